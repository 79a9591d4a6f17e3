package dev.pulse.agent.sample;

import dev.pulse.agent.AgentLog;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * The agent's background work: every interval the {@code pulse-sampler} thread hands each read
 * (a queue's size(), an SQL query), one after the other, to a reader thread and waits for it a
 * bounded time. A read that throws, or is still running at its deadline, is counted in
 * pulse_sampler_errors_total and logged once per distinct message; it never stops the schedule
 * or holds up the other reads for longer than its deadline, once. A read still running is not
 * started again until it returns, so a stuck size() costs one reader thread and no more.
 */
public final class Sampler implements AutoCloseable {

    static final String THREAD_NAME = "pulse-sampler";
    static final String READER_THREAD_NAME = "pulse-sampler-read-";
    /** Reads that may hang at once, each holding a reader thread until it returns. */
    static final int MAX_STUCK_READS = 4;
    static final Duration MAX_READ_TIME = Duration.ofSeconds(2);
    private static final int MAX_LOGGED_MESSAGES = 1000;

    private final List<SampleSource> sources;
    private final List<Read> reads = new ArrayList<>();
    private final Duration interval;
    private final long readTimeoutNanos;
    private final Histogram duration;
    private final Counter errors;
    private final Set<String> logged = Collections.newSetFromMap(new ConcurrentHashMap<>());
    private ScheduledExecutorService schedule;
    private ThreadPoolExecutor readers;

    public Sampler(List<SampleSource> sources, Duration interval, Labels constLabels, PrometheusProperties properties) {
        this.sources = List.copyOf(sources);
        for (SampleSource source : this.sources) {
            for (SampleTask task : source.tasks()) {
                reads.add(new Read(task));
            }
        }
        this.interval = interval;
        this.readTimeoutNanos = Math.min(interval.toNanos(), MAX_READ_TIME.toNanos());
        this.duration = Histogram.builder(properties)
                .name("pulse_sampler_duration_seconds")
                .help("Time of one sampling pass over every queue, pool and SQL gauge.")
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
        if (schedule != null || reads.isEmpty()) {
            return;
        }
        AtomicInteger readerNumber = new AtomicInteger();
        readers = new ThreadPoolExecutor(0, MAX_STUCK_READS + 1, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> daemon(runnable, READER_THREAD_NAME + readerNumber.incrementAndGet()));
        schedule = Executors.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, THREAD_NAME));
        schedule.scheduleWithFixedDelay(this::sampleAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** One pass over every read. Never throws: a tick that failed must not end the schedule. */
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
        errors.labelValues(source).inc();
        String line = source + ": " + message;
        if (logged.size() < MAX_LOGGED_MESSAGES && logged.add(line)) {
            AgentLog.warn("sampling " + line + " (logged once; counted in pulse_sampler_errors_total)");
        }
    }

    @Override
    public synchronized void close() {
        if (schedule != null) {
            schedule.shutdownNow();
            readers.shutdownNow();
            schedule = null;
        }
    }

    /** One task's read in the current pass. Touched by the sampler thread, but for the running flag. */
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
            } catch (RejectedExecutionException e) {
                running.set(false);
                errors.failed(task.name(), MAX_STUCK_READS + " other reads have not returned; skipped");
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
