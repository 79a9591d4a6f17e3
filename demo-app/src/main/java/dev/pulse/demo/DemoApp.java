package dev.pulse.demo;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A small job service to watch with the Pulse agent: a producer fills a jobs table and the
 * worker's queue, the worker runs jobs, a dispatcher hands finished jobs to a delivery pool,
 * and an outbox sends notifications. See {@link DemoOptions#USAGE} for the command line.
 */
public final class DemoApp {

    // Per component; the worker may be in a slow job and the delivery pool may hold queued work.
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);

    private final DemoOptions options;
    private final JobStore store;
    private final Outbox outbox;
    private final Dispatcher dispatcher;
    private final JobWorker worker;
    private final JobProducer producer;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    // Read by the shutdown hook thread.
    private volatile long startedAt;

    DemoApp(DemoOptions options) {
        this.options = options;
        this.store = new JobStore(JobStore.URL);
        this.outbox = new Outbox();
        this.dispatcher = new Dispatcher(store, new DeliveryClient());
        this.worker = new JobWorker(store, options.hangFor());
        this.producer = new JobProducer(store, worker, options.jobsPerSecond());
    }

    public static void main(String[] args) throws InterruptedException {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(DemoOptions.USAGE);
            return;
        }
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            System.err.println(DemoOptions.USAGE);
            System.exit(2);
            return;
        }

        DemoApp app = new DemoApp(options);
        // SIGTERM and Ctrl-C end the run the same way --duration does.
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "demo-shutdown"));
        app.start();
        app.awaitEnd();
        app.stop();
    }

    /** Starts the consumers before the producer, so no job waits on a part that is not running. */
    void start() {
        startedAt = System.nanoTime();
        outbox.start();
        dispatcher.start();
        worker.start();
        producer.start();
        System.out.println("demo: running (jobs table, worker, dispatcher, delivery pool)");
    }

    /** Waits until --duration has passed or a stop was requested, flipping the hang switch on the way. */
    void awaitEnd() throws InterruptedException {
        Duration duration = options.duration();
        Duration hangAfter = options.hangWorkerAfter();
        if (hangAfter != null && (duration == null || hangAfter.compareTo(duration) < 0)) {
            if (stopRequested.await(hangAfter.toNanos(), TimeUnit.NANOSECONDS)) {
                return;
            }
            worker.hangNextJob();
        }
        if (duration == null) {
            stopRequested.await();
        } else {
            stopRequested.await(duration.toNanos() - (System.nanoTime() - startedAt), TimeUnit.NANOSECONDS);
        }
    }

    /** Stops producer, worker, dispatcher and outbox in that order, then closes the pool. Runs once. */
    void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        stopRequested.countDown();
        try {
            producer.stop(STOP_TIMEOUT);
            worker.stop(STOP_TIMEOUT);
            dispatcher.stop(STOP_TIMEOUT);
            outbox.stop(STOP_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            store.close();
        }
        System.out.printf("demo: stopped after %s: jobs produced=%d done=%d failed=%d delivered=%d"
                        + " (failed deliveries=%d, notifications sent=%d)%n",
                DemoOptions.format(Duration.ofNanos(System.nanoTime() - startedAt).withNanos(0)),
                producer.produced(), worker.done(), worker.failed(), dispatcher.delivered(),
                dispatcher.deliveryFailures(), outbox.sent());
    }
}
