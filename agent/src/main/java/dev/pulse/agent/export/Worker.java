package dev.pulse.agent.export;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread with a bounded queue of tasks, for work too slow for the selector thread.
 * When the queue is full the caller is told at once, so the endpoint answers 503 instead of
 * holding requests without limit.
 */
final class Worker implements AutoCloseable {

    private final ThreadPoolExecutor executor;

    /**
     * @param name     the thread's name
     * @param capacity tasks that may wait
     */
    Worker(String name, int capacity) {
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(capacity),
                task -> {
                    Thread thread = new Thread(task, name);
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Queues {@code task}; false when the queue is full or the worker is closed. */
    boolean offer(Runnable task) {
        try {
            executor.execute(task);
            return true;
        } catch (RejectedExecutionException full) {
            return false;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
