package dev.pulse.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Drives the web server test apps (apps.web): requests held busy, released, CPU burnt; and
 * compares the pool figures the server prints with the agent's {@code pulse_executor_*} series.
 */
final class WebPools {

    /** Figure printed by the app -> the series that must equal it. */
    static final Map<String, String> SERIES = Map.of(
            "threads", "pulse_executor_threads",
            "active", "pulse_executor_active_threads",
            "idle", "pulse_executor_idle_threads",
            "max", "pulse_executor_max_threads",
            "queued", "pulse_executor_queued_tasks",
            "completed", "pulse_executor_completed_tasks_total");

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private WebPools() {
    }

    /** Sends {@code count} requests to {@code path}, each on its own connection, without waiting for them. */
    static List<CompletableFuture<HttpResponse<String>>> send(int port, String path, int count) {
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(90)).build();
            responses.add(HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        return responses;
    }

    /** Releases the held requests and waits for every response. */
    static void release(ForkedJvm app, Path folder, List<CompletableFuture<HttpResponse<String>>> responses)
            throws Exception {
        Files.createFile(folder.resolve("release"));
        for (CompletableFuture<HttpResponse<String>> response : responses) {
            try {
                if (response.get(60, java.util.concurrent.TimeUnit.SECONDS).statusCode() != 200) {
                    throw new AssertionError("a request failed: " + response.get() + "\n" + app.describe());
                }
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("a released request did not finish\n" + app.describe(), e);
            }
        }
    }

    /**
     * Stops the server, waits until the executor's series are gone (a pool that was shut down is
     * no longer exported), then lets the app exit.
     */
    static void stopAndAwaitGone(ForkedJvm app, Path folder, int metricsPort, String executor) throws Exception {
        Files.createFile(folder.resolve("stop"));
        app.awaitStdout("app: stopped");
        app.awaitScrape(metricsPort, "the stopped server's pool to be no longer exported",
                text -> !text.contains("executor=\"" + executor + "\""));
        Files.createFile(folder.resolve("exit"));
        app.awaitExit();
    }

    /** The figures of the app's last "figures a=1 b=2" line, or null before the first. */
    static Map<String, Long> figures(ForkedJvm app) {
        String last = null;
        for (String line : app.stdout().split("\n")) {
            if (line.startsWith("figures ")) {
                last = line;
            }
        }
        if (last == null) {
            return null;
        }
        Map<String, Long> figures = new LinkedHashMap<>();
        for (String pair : last.substring("figures ".length()).trim().split(" ")) {
            String[] parts = pair.split("=");
            figures.put(parts[0], Long.parseLong(parts[1]));
        }
        return figures;
    }

    /**
     * Waits until the app's figures satisfy {@code state} and the executor's series equal each
     * figure that has a series, or that the series is absent where the figure is -1 (the server
     * is idle between its changes, so both settle); returns
     * that scrape. On timeout, says which series differ.
     */
    static String awaitMatch(ForkedJvm app, int metricsPort, String executor, Predicate<Map<String, Long>> state,
            String what) throws InterruptedException {
        String label = "executor=\"" + executor + "\"";
        String[] scrape = new String[1];
        try {
            app.await(what, () -> {
                Map<String, Long> figures = figures(app);
                if (figures == null || !state.test(figures)) {
                    return false;
                }
                scrape[0] = ForkedJvm.scrape(metricsPort);
                for (Map.Entry<String, Long> figure : figures.entrySet()) {
                    String series = SERIES.get(figure.getKey());
                    if (series == null) {
                        continue;
                    }
                    double value = Scrape.value(scrape[0], series, label);
                    // The server answers -1 for what it does not count: the series must be absent.
                    if (figure.getValue() < 0 ? !Double.isNaN(value) : value != figure.getValue()) {
                        return false;
                    }
                }
                return true;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n--- last figures: " + figures(app) + "\n--- last scrape of "
                    + executor + ":\n" + lines(scrape[0], label), e);
        }
        return scrape[0];
    }

    /** The lines of the scrape that carry {@code label}. */
    static String lines(String scrape, String label) {
        if (scrape == null) {
            return "(none)";
        }
        return java.util.Arrays.stream(scrape.split("\n")).filter(line -> line.contains(label))
                .collect(Collectors.joining("\n"));
    }
}
