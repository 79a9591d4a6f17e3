package dev.pulse.it.apps;

import java.util.concurrent.BlockingQueue;

/** A static queue field with no static initializer: the class has no {@code <clinit>}; main assigns it. */
public class LateQueueHolder {

    public static BlockingQueue<String> jobs;

    private LateQueueHolder() {
    }
}
