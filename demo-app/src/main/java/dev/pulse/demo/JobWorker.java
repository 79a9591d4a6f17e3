package dev.pulse.demo;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Takes jobs off its queue one at a time and runs them on the {@code job-worker} thread.
 *
 * <p>Most jobs take a few milliseconds; about one in twenty is slow and about one in twelve
 * fails. {@link #workOnce} lets the failure escape so that a caller timing it sees calls that
 * end by throwing; the loop around it records the failure.
 */
final class JobWorker {

    private static final long POLL_MILLIS = 200;
    private static final double SLOW_SHARE = 0.05;
    private static final double FAILURE_SHARE = 0.08;

    // Bounded: when the worker stalls, the producer blocks instead of memory growing.
    private final BlockingQueue<Job> jobs = new LinkedBlockingQueue<>(1000);

    private final JobStore store;
    private final Duration hangFor;
    private final ServiceLoop loop;
    private final LongAdder done = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private volatile boolean hangNextJob;

    JobWorker(JobStore store, Duration hangFor) {
        this.store = store;
        this.hangFor = hangFor;
        this.loop = new ServiceLoop("job-worker", this::workOrRecordFailure);
    }

    void start() {
        loop.start();
    }

    void stop(Duration timeout) throws InterruptedException {
        loop.stop(timeout);
    }

    /** Queues a job for this worker, waiting while the queue is full. */
    void submit(Job job) throws InterruptedException {
        jobs.put(job);
    }

    /** Makes the next job hang for the configured time, once, like a call stuck on a dead socket. */
    void hangNextJob() {
        hangNextJob = true;
    }

    long done() {
        return done.sum();
    }

    long failed() {
        return failed.sum();
    }

    /**
     * Runs the next queued job, or returns after a short wait when there is none, so the loop
     * can notice a stop request.
     */
    public void workOnce() throws JobFailedException, InterruptedException {
        Job job = jobs.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (job == null) {
            return;
        }
        store.markRunning(job.id());
        if (hangNextJob) {
            hangNextJob = false;
            hang(job);
        }
        execute(job);
        store.markDone(job.id());
        done.increment();
    }

    private void workOrRecordFailure() throws InterruptedException {
        try {
            workOnce();
        } catch (JobFailedException e) {
            store.markFailed(e.job().id());
            failed.increment();
        }
    }

    private void hang(Job job) throws InterruptedException {
        System.out.println("demo: job-worker stuck on job " + job.id() + " (" + job.kind() + ") for "
                + DemoOptions.format(hangFor));
        Thread.sleep(hangFor.toMillis());
        System.out.println("demo: job-worker unstuck, job " + job.id() + " continues");
    }

    /** Stands in for the real work of each kind of job. */
    private static void execute(Job job) throws JobFailedException, InterruptedException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        boolean slow = random.nextDouble() < SLOW_SHARE;
        Thread.sleep(slow ? random.nextLong(200, 801) : random.nextLong(1, 8));
        if (random.nextDouble() < FAILURE_SHARE) {
            throw new JobFailedException(job, failureReason(job.kind()));
        }
    }

    private static String failureReason(String kind) {
        return switch (kind) {
            case "email" -> "mailbox rejected the recipient";
            case "invoice" -> "customer has no billing address";
            case "report" -> "query exceeded the report time budget";
            case "thumbnail" -> "source image is not a readable JPEG";
            default -> "unknown job kind";
        };
    }
}
