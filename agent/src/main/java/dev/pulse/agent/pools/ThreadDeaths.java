package dev.pulse.agent.pools;

import dev.pulse.agent.metrics.ProcessingMetrics;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * {@code pulse_thread_uncaught_exceptions_total{executor, exception}}: threads that died of an
 * uncaught exception, as the JVM hands it to their handler. {@code executor} is the executor the
 * thread worked for ({@link ExecutorPools#executorOf}), else the thread's name without its
 * counter (a lone "order-consumer" thread, "main"), else "none"; {@code exception} is the
 * exception's simple class name. Beyond {@code pulse.metrics.max_series} pairs, further ones are
 * counted under executor and exception "other" and in pulse_series_overflow_total.
 */
public final class ThreadDeaths {

    static final String NAME = "pulse_thread_uncaught_exceptions_total";
    static final String NO_EXECUTOR = "none";
    static final String OTHER = "other";

    private final ExecutorPools executors;
    private final Predicate<String> excluded;
    private final Runnable overflow;
    private final Counter counter;
    private final AtomicInteger seriesLeft;
    /** Per "executor\nexception", its data point. */
    private final ConcurrentMap<String, CounterDataPoint> points = new ConcurrentHashMap<>();

    /**
     * {@code excluded}: pulse.pools.exclude, applied to the executor label; {@code maxSeries}:
     * pulse.metrics.max_series; {@code overflow} counts each pair folded into "other".
     */
    public ThreadDeaths(ExecutorPools executors, Predicate<String> excluded, int maxSeries, Runnable overflow,
            Labels constLabels, PrometheusProperties properties) {
        this.executors = executors;
        this.excluded = excluded;
        this.overflow = overflow;
        this.seriesLeft = new AtomicInteger(maxSeries);
        this.counter = Counter.builder(properties).name(NAME)
                .help("Threads that died of an uncaught exception, by the executor they worked for and the"
                        + " exception's class.")
                .labelNames("executor", "exception")
                .constLabels(constLabels)
                .build();
    }

    public void register(PrometheusRegistry registry) {
        registry.register(counter);
    }

    /**
     * {@code thread} is dying of {@code uncaught}; called on that thread before its handler runs.
     * Runs only on that failure: takes no lock the agent holds elsewhere.
     */
    public void died(Thread thread, Throwable uncaught) {
        String executor = executorLabel(executors.executorOf(thread), thread.getName());
        if (excluded.test(executor)) {
            return;
        }
        String exception = ProcessingMetrics.exceptionLabel(uncaught.getClass());
        String key = executor + '\n' + exception;
        CounterDataPoint point = points.computeIfAbsent(key,
                k -> seriesLeft.getAndDecrement() > 0 ? counter.labelValues(executor, exception) : null);
        if (point == null) {
            overflow.run();
            point = counter.labelValues(OTHER, OTHER);
        }
        point.inc();
    }

    /** The executor's name, else the thread's name without its counter, else "none". */
    static String executorLabel(String executor, String threadName) {
        if (executor != null) {
            return executor;
        }
        String prefix = threadName == null ? null : PoolNames.threadPrefix(threadName);
        return prefix == null ? NO_EXECUTOR : prefix;
    }
}
