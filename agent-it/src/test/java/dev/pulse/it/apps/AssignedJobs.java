package dev.pulse.it.apps;

import java.util.concurrent.BlockingQueue;

/**
 * A static queue that the application assigns from outside (LazyQueueApp): the class has no
 * static initializer, so no woven initializer hook can report it; the agent must see by itself
 * that the application has initialized it.
 */
public final class AssignedJobs {

    public static BlockingQueue<String> jobs;

    private AssignedJobs() {
    }
}
