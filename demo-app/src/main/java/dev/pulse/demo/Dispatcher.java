package dev.pulse.demo;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Finds finished jobs in the table every 100 ms and hands each to the delivery pool, which sends
 * it to the remote system, marks it delivered and tells the user through the {@link Outbox}.
 *
 * <p>A delivery that fails leaves the job done, so a later cycle picks it up again.
 */
final class Dispatcher {

    private static final long CYCLE_MILLIS = 100;
    private static final int BATCH_SIZE = 100;
    private static final int DELIVERY_THREADS = 4;
    private static final int DELIVERY_QUEUE_CAPACITY = 200;

    private final JobStore store;
    private final DeliveryClient client;
    private final ThreadPoolExecutor delivery;
    private final ServiceLoop loop;
    // Jobs handed to the pool; the table still says done until they are delivered. Only the
    // dispatcher thread touches this set. Delivery threads report back through `finished`, which
    // is drained before each read of the table, so a job just marked delivered is never re-read
    // as done and sent twice.
    private final Set<Long> inFlight = new HashSet<>();
    private final Queue<Long> finished = new ConcurrentLinkedQueue<>();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder deliveryFailures = new LongAdder();

    Dispatcher(JobStore store, DeliveryClient client) {
        this.store = store;
        this.client = client;
        // Bounded, with the default abort policy: when the remote side is slow, jobs wait in the
        // table instead of in memory, and the rejection is visible.
        this.delivery = new ThreadPoolExecutor(DELIVERY_THREADS, DELIVERY_THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(DELIVERY_QUEUE_CAPACITY), new DeliveryThreadFactory());
        this.loop = new ServiceLoop("dispatcher", this::dispatchThenPause);
    }

    void start() {
        loop.start();
    }

    /** Stops finding new work, then lets deliveries already queued finish within the timeout. */
    void stop(Duration timeout) throws InterruptedException {
        loop.stop(timeout);
        delivery.shutdown();
        if (!delivery.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            delivery.shutdownNow();
            delivery.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    long delivered() {
        return delivered.sum();
    }

    long deliveryFailures() {
        return deliveryFailures.sum();
    }

    /** Submits every done job not already on its way; returns how many were submitted. */
    public int dispatchOnce() {
        for (Long id = finished.poll(); id != null; id = finished.poll()) {
            inFlight.remove(id);
        }
        List<Job> batch = store.findUndelivered(BATCH_SIZE);
        int submitted = 0;
        for (Job job : batch) {
            if (!inFlight.add(job.id())) {
                continue;
            }
            try {
                delivery.execute(() -> deliver(job));
                submitted++;
            } catch (RejectedExecutionException e) {
                // The pool is full; the job stays done and the next cycle offers it again.
                inFlight.remove(job.id());
                break;
            }
        }
        return submitted;
    }

    private void dispatchThenPause() throws InterruptedException {
        dispatchOnce();
        TimeUnit.MILLISECONDS.sleep(CYCLE_MILLIS);
    }

    private void deliver(Job job) {
        try {
            client.deliver(job);
            store.markDelivered(job.id());
            delivered.increment();
            Outbox.publish("job " + job.id() + " (" + job.kind() + ") delivered");
        } catch (IOException e) {
            deliveryFailures.increment();
        } catch (RuntimeException e) {
            System.err.println("demo: " + Thread.currentThread().getName() + ": " + e);
        } finally {
            finished.add(job.id());
        }
    }

    /** Names threads delivery-1, delivery-2, ... so they read well in a thread dump and as a pool name. */
    private static final class DeliveryThreadFactory implements ThreadFactory {

        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "delivery-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
