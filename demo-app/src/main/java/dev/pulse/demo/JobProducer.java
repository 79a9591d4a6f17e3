package dev.pulse.demo;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Stands in for the service's callers: records new jobs in the table and hands them to the
 * worker at a steady rate.
 */
final class JobProducer {

    private static final List<String> KINDS = List.of("email", "invoice", "report", "thumbnail");
    // After a long block on a full queue, start the schedule again instead of bursting to catch up.
    private static final long MAX_LAG_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final JobStore store;
    private final JobWorker worker;
    private final long periodNanos;
    private final ServiceLoop loop;
    private final LongAdder produced = new LongAdder();
    private long nextAt;

    JobProducer(JobStore store, JobWorker worker, double jobsPerSecond) {
        this.store = store;
        this.worker = worker;
        this.periodNanos = Math.max(1, (long) (TimeUnit.SECONDS.toNanos(1) / jobsPerSecond));
        this.loop = new ServiceLoop("job-producer", this::produceOnce);
    }

    void start() {
        nextAt = System.nanoTime();
        loop.start();
    }

    void stop(Duration timeout) throws InterruptedException {
        loop.stop(timeout);
    }

    long produced() {
        return produced.sum();
    }

    private void produceOnce() throws InterruptedException {
        long wait = nextAt - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        } else if (-wait > MAX_LAG_NANOS) {
            nextAt = System.nanoTime();
        }
        nextAt += periodNanos;

        String kind = KINDS.get(ThreadLocalRandom.current().nextInt(KINDS.size()));
        Job job = store.insert(kind, payload(kind));
        produced.increment();
        worker.submit(job);
    }

    private static String payload(String kind) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return switch (kind) {
            case "email" -> "to=user" + random.nextInt(1, 5000) + "@example.com template=order-shipped";
            case "invoice" -> "customer=C-" + random.nextInt(1000, 9999) + " amount="
                    + random.nextInt(5, 900) + ".00 EUR";
            case "report" -> "report=daily-sales region=" + List.of("eu", "us", "apac").get(random.nextInt(3));
            case "thumbnail" -> "image=uploads/" + Long.toHexString(random.nextLong()) + ".jpg size=256x256";
            default -> throw new IllegalArgumentException("unknown job kind: " + kind);
        };
    }
}
