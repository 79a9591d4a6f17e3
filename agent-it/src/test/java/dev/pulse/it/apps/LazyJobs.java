package dev.pulse.it.apps;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A static queue whose initializer needs configuration that the application sets only just
 * before it first uses the class (LazyQueueApp): initialized any sooner, it fails, and the class
 * is unusable for the rest of the JVM's life.
 */
public final class LazyJobs {

    public static final BlockingQueue<String> JOBS =
            new ArrayBlockingQueue<>(Integer.parseInt(System.getProperty("lazy.jobs.capacity")));

    private LazyJobs() {
    }
}
