package dev.pulse.demo;

import java.time.Duration;

/**
 * A named thread that runs one step over and over until stopped.
 *
 * <p>A step that throws is logged and the loop goes on, so one bad job or one failed statement
 * never stops the service. Interrupting the thread is how {@link #stop} wakes a step that is
 * sleeping or waiting on a queue.
 */
final class ServiceLoop {

    /** One turn of the loop; may block, and ends early when the thread is interrupted. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    private final Thread thread;
    private volatile boolean running = true;

    ServiceLoop(String name, Step step) {
        thread = new Thread(() -> loop(step), name);
        // main() holds the JVM open for --duration; a daemon loop can never hold it open longer.
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Asks the loop to end after its current step, wakes it, and waits up to {@code timeout}. */
    void stop(Duration timeout) throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(timeout.toMillis());
    }

    private void loop(Step step) {
        while (running) {
            try {
                step.run();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                System.err.println("demo: " + thread.getName() + ": " + e);
            }
        }
    }
}
