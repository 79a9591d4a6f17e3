package dev.pulse.agent.sample;

import dev.pulse.agent.LimitedLog;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's background work, in two lanes that never wait for each other.
 *
 * <p>In-memory reads (a queue's size(), the pools, the executors, stall detection): every
 * interval the {@code pulse-sampler} thread hands each one, one after the other, to a reader
 * thread and waits for it a bounded time (the interval, at most 2 s). A read still running at its
 * deadline holds up that pass once, by at most that deadline, and is not started again until it
 * returns: a stuck size() costs one reader thread and nothing more.
 *
 * <p>Reads that say {@link SampleTask#ownSchedule()} (SQL gauges, which wait on a network and a
 * database): each has its own schedule on the {@code pulse-sql} thread, spread over the
 * interval, and runs on a {@code pulse-sql-N} thread; nothing waits for it. The run bounds itself
 * by its {@link SampleTask#timeout()}; one still going {@link #OWN_SCHEDULE_SLACK} after it is
 * counted and its task told ({@link SampleTask#expired()}); it is not started again until it returns, so a hung query
 * costs its own thread and nothing else.
 *
 * <p>A read that throws, or is still running at its deadline, is counted in
 * pulse_sampler_errors_total; its message is logged at most once per source every
 * {@link LimitedLog#DEFAULT_PERIOD}, whatever its text.
 */
public final class Sampler implements AutoCloseable {

    static final String THREAD_NAME = "pulse-sampler";
    static final String READER_THREAD_NAME = "pulse-sampler-read-";
    static final String OWN_SCHEDULE_THREAD_NAME = "pulse-sql";
    static final Duration MAX_READ_TIME = Duration.ofSeconds(2);
    /**
     * How long after its own timeout a read on its own schedule is given up: the read bounds itself
     * (a bounded borrow, a query timeout in whole seconds), and this catches what does not (a driver
     * that ignores its query timeout, a connect that hangs).
     */
    static final Duration OWN_SCHEDULE_SLACK = Duration.ofSeconds(1);

    private final List<SampleSource> sources;
    private final List<Read> reads = new ArrayList<>();
    private final List<Lane> lanes = new ArrayList<>();
    private final Duration interval;
    private final long readTimeoutNanos;
    private final Histogram duration;
    private final Counter errors;
    private final LimitedLog log;
    private ScheduledExecutorService schedule;
    private ThreadPoolExecutor readers;
    private ScheduledExecutorService ownSchedule;
    private ThreadPoolExecutor ownReaders;

    public Sampler(List<SampleSource> sources, Duration interval, Labels constLabels, PrometheusProperties properties) {
        this(sources, interval, constLabels, properties, LimitedLog.warnings());
    }

    Sampler(List<SampleSource> sources, Duration interval, Labels constLabels, PrometheusProperties properties,
            LimitedLog log) {
        this.sources = List.copyOf(sources);
        this.log = log;
        for (SampleSource source : this.sources) {
            for (SampleTask task : source.tasks()) {
                if (task.ownSchedule()) {
                    lanes.add(new Lane(task));
                } else {
                    reads.add(new Read(task));
                }
            }
        }
        this.interval = interval;
        this.readTimeoutNanos = Math.min(interval.toNanos(), MAX_READ_TIME.toNanos());
        this.duration = Histogram.builder(properties)
                .name("pulse_sampler_duration_seconds")
                .help("Time of one sampling pass over the queues, pools, executors and stall detection"
                        + " (SQL gauges run on their own schedule).")
                .constLabels(constLabels)
                .classicOnly()
                .classicUpperBounds(0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5)
                .withoutExemplars()
                .build();
        this.errors = Counter.builder(properties)
                .name("pulse_sampler_errors_total")
                .help("Failed reads of a queue, pool or SQL gauge.")
                .labelNames("source")
                .constLabels(constLabels)
                .withoutExemplars()
                .build();
    }

    public void register(PrometheusRegistry registry) {
        registry.register(duration);
        registry.register(errors);
        for (SampleSource source : sources) {
            source.register(registry);
        }
    }

    public synchronized void start() {
        if (schedule != null || ownSchedule != null) {
            return;
        }
        if (!reads.isEmpty()) {
            AtomicInteger readerNumber = new AtomicInteger();
            // Each read runs once at a time at most, so a thread per read is the most there can be.
            readers = new ThreadPoolExecutor(0, reads.size() + 1, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                    runnable -> daemon(runnable, READER_THREAD_NAME + readerNumber.incrementAndGet()));
            schedule = Executors.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, THREAD_NAME));
            schedule.scheduleWithFixedDelay(this::sampleAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (!lanes.isEmpty()) {
            AtomicInteger readerNumber = new AtomicInteger();
            long keepAlive = 2 * Math.max(TimeUnit.SECONDS.toMillis(30), interval.toMillis());
            ownReaders = new ThreadPoolExecutor(0, lanes.size() + 1, keepAlive, TimeUnit.MILLISECONDS,
                    new SynchronousQueue<>(),
                    runnable -> daemon(runnable, OWN_SCHEDULE_THREAD_NAME + "-" + readerNumber.incrementAndGet()));
            ownSchedule = Executors.newSingleThreadScheduledExecutor(
                    runnable -> daemon(runnable, OWN_SCHEDULE_THREAD_NAME));
            // The first run waits one interval, so a service has that long to create its tables;
            // the runs are spread over the interval, so they seldom borrow at the same moment.
            long step = interval.toNanos() / lanes.size();
            for (int i = 0; i < lanes.size(); i++) {
                ownSchedule.scheduleWithFixedDelay(lanes.get(i), interval.toNanos() + i * step, interval.toNanos(),
                        TimeUnit.NANOSECONDS);
            }
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** One pass over every in-memory read. Never throws: a tick that failed must not end the schedule. */
    void sampleAll() {
        long start = System.nanoTime();
        try {
            for (Read read : reads) {
                if (read.start(readers, this::failed)) {
                    Duration own = read.task.timeout();
                    long timeout = own == null ? readTimeoutNanos : own.toNanos();
                    read.await(System.nanoTime() + timeout, TimeUnit.NANOSECONDS.toMillis(timeout), this::failed);
                }
            }
        } catch (Throwable fault) {
            failed("sampler", String.valueOf(fault));
        }
        duration.observe((System.nanoTime() - start) / 1e9);
    }

    private void failed(String source, String message) {
        try {
            errors.labelValues(source).inc();
            // A read that was slow and then fails (or the reverse) says both, each once a period.
            String fault = message.startsWith("still running") || message.startsWith("the previous read")
                    ? "slow" : "failed";
            log.warn("sampling " + source, fault, message + "; counted in pulse_sampler_errors_total");
        } catch (Throwable ignored) {
            // a failure to report a failure must not end a schedule
        }
    }

    @Override
    public synchronized void close() {
        if (schedule != null) {
            schedule.shutdownNow();
            readers.shutdownNow();
            schedule = null;
        }
        if (ownSchedule != null) {
            ownSchedule.shutdownNow();
            ownReaders.shutdownNow();
            ownSchedule = null;
        }
    }

    /**
     * A read on its own schedule: started every interval unless its last run is still going; at
     * its deadline a run still going is counted, once, and its task told; nothing else waits.
     */
    private final class Lane implements Runnable {
        private final SampleTask task;
        private final long timeoutNanos;
        private final AtomicBoolean running = new AtomicBoolean();
        private final AtomicInteger runs = new AtomicInteger();

        Lane(SampleTask task) {
            this.task = task;
            Duration own = task.timeout();
            this.timeoutNanos = (own == null ? readTimeoutNanos : own.toNanos()) + OWN_SCHEDULE_SLACK.toNanos();
        }

        /** On the own-schedule thread: starts a run and its deadline; never blocks, never throws. */
        @Override
        public void run() {
            try {
                if (!running.compareAndSet(false, true)) {
                    // Still within its deadline, it is no failure; past it, it was counted once then.
                    return;
                }
                int current = runs.incrementAndGet();
                try {
                    ownReaders.execute(this::read);
                } catch (RejectedExecutionException closed) {
                    running.set(false);
                    return;
                }
                ownSchedule.schedule(() -> deadline(current), timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (Throwable fault) {
                failed("sampler", String.valueOf(fault));
            }
        }

        private void read() {
            try {
                task.run(Sampler.this::failed);
            } catch (Throwable e) {
                failed(task.name(), String.valueOf(e));
            } finally {
                running.set(false);
            }
        }

        private void deadline(int expected) {
            try {
                if (running.get() && runs.get() == expected) {
                    failed(task.name(), "still running after " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                            + " ms; not run again until it returns");
                    task.expired();
                }
            } catch (Throwable fault) {
                failed("sampler", String.valueOf(fault));
            }
        }
    }

    /** One in-memory read in the current pass. Touched by the sampler thread, but for the running flag. */
    private static final class Read {
        private final SampleTask task;
        private final AtomicBoolean running = new AtomicBoolean();
        private Future<?> pending;

        Read(SampleTask task) {
            this.task = task;
        }

        boolean start(ThreadPoolExecutor readers, SampleTask.Errors errors) {
            if (!running.compareAndSet(false, true)) {
                errors.failed(task.name(), "the previous read has not returned yet; skipped");
                return false;
            }
            try {
                pending = readers.submit(() -> {
                    try {
                        task.run(errors);
                    } catch (Exception e) {
                        errors.failed(task.name(), String.valueOf(e));
                    } finally {
                        running.set(false);
                    }
                    return null;
                });
                return true;
            } catch (RejectedExecutionException closed) {
                running.set(false);
                return false;
            }
        }

        void await(long deadline, long timeoutMillis, SampleTask.Errors errors) throws InterruptedException {
            try {
                pending.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                errors.failed(task.name(), "still running after " + timeoutMillis
                        + " ms; not read again until it returns");
            } catch (ExecutionException e) {
                errors.failed(task.name(), String.valueOf(e.getCause()));
            } finally {
                pending = null;
            }
        }
    }
}
