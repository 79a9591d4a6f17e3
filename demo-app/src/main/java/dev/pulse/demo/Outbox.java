package dev.pulse.demo;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Notifications to users ("your invoice is ready"), sent in batches by the {@code outbox-drain}
 * thread. Sending is rate-limited, so the queue fills between batches and its depth moves.
 */
final class Outbox {

    /** Static because every part of the service publishes into the one outbox. */
    static final Queue<String> QUEUE = new ConcurrentLinkedQueue<>();

    private static final int BATCH_SIZE = 50;
    private static final long BATCH_INTERVAL_MILLIS = 1000;

    private final ServiceLoop loop = new ServiceLoop("outbox-drain", this::sendBatch);
    private final LongAdder sent = new LongAdder();

    static void publish(String notification) {
        QUEUE.add(notification);
    }

    void start() {
        loop.start();
    }

    void stop(Duration timeout) throws InterruptedException {
        loop.stop(timeout);
    }

    long sent() {
        return sent.sum();
    }

    private void sendBatch() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(BATCH_INTERVAL_MILLIS);
        for (int i = 0; i < BATCH_SIZE && QUEUE.poll() != null; i++) {
            sent.increment();
        }
    }
}
