package dev.pulse.it.apps.shop;

import java.util.concurrent.CompletableFuture;

/** A service whose method Spring runs asynchronously through a CGLIB proxy, as {@code @Async} does. */
public class ReportService {

    public CompletableFuture<String> buildReport(int number) {
        return CompletableFuture.completedFuture("report " + number + " on " + Thread.currentThread().getName());
    }
}
