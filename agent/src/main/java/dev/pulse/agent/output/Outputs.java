package dev.pulse.agent.output;

import dev.pulse.agent.LimitedLog;
import dev.pulse.agent.config.OutputConfig;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs the configured outputs, each on its own daemon thread ({@code pulse-output-<name>}): every
 * interval it scrapes the registry the endpoint serves and writes it. A slow or failing output
 * holds only its own thread. At exit each output writes one last time, all at once, and the exit
 * waits for them at most {@link #EXIT_DEADLINE}.
 */
public final class Outputs {

    /** How long the service's exit may wait for the outputs' last writes, all together. */
    public static final Duration EXIT_DEADLINE = Duration.ofSeconds(3);
    static final String THREAD_PREFIX = "pulse-output-";

    /** One line per output per 10 minutes, however its failures read. */
    private static final LimitedLog LOG = LimitedLog.warnings();

    private final List<Runner> runners = new ArrayList<>();

    private Outputs() {
    }

    /**
     * Starts the outputs {@code config} names, writing every {@code interval}, and registers their
     * own metrics (pulse_output_*) in {@code registry}. Returns null when none is configured.
     */
    public static Outputs start(OutputConfig config, PrometheusRegistry registry, Duration interval,
            Labels constLabels, PrometheusProperties properties) {
        if (!config.any()) {
            return null;
        }
        Outputs outputs = new Outputs();
        List<OutputStats> stats = new ArrayList<>();
        if (config.influx() != null) {
            OutputStats influx = new OutputStats("influx");
            stats.add(influx);
            outputs.runners.add(new Runner(new InfluxOutput(config.influx(), influx), influx, registry));
        }
        if (config.textfile() != null) {
            OutputStats textfile = new OutputStats("textfile");
            stats.add(textfile);
            outputs.runners.add(new Runner(new TextfileOutput(config.textfile(), textfile), textfile, registry));
        }
        if (config.pushgateway() != null) {
            OutputStats pushgateway = new OutputStats("pushgateway");
            stats.add(pushgateway);
            outputs.runners.add(new Runner(new PushgatewayOutput(config.pushgateway(), pushgateway),
                    pushgateway, registry));
        }
        OutputMetrics.register(registry, stats, constLabels, properties);
        for (Runner runner : outputs.runners) {
            runner.start(interval);
        }
        Thread flush = new Thread(outputs::writeLastTime, THREAD_PREFIX + "exit");
        try {
            Runtime.getRuntime().addShutdownHook(flush);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already exiting: nothing more to do.
        }
        return outputs;
    }

    /** Every output writes once more, together; returns by the exit deadline whatever they do. */
    void writeLastTime() {
        long deadline = System.nanoTime() + EXIT_DEADLINE.toNanos();
        List<Future<?>> last = new ArrayList<>();
        for (Runner runner : runners) {
            last.add(runner.last(deadline));
        }
        for (int i = 0; i < last.size(); i++) {
            try {
                last.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                runners.get(i).stats.failures.increment();
            }
        }
    }

    /** One output and its thread. */
    private static final class Runner {
        private final Output output;
        private final OutputStats stats;
        private final PrometheusRegistry registry;
        private final ScheduledThreadPoolExecutor thread;
        private volatile long intervalNanos;

        Runner(Output output, OutputStats stats, PrometheusRegistry registry) {
            this.output = output;
            this.stats = stats;
            this.registry = registry;
            this.thread = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread daemon = new Thread(runnable, THREAD_PREFIX + output.name());
                daemon.setDaemon(true);
                return daemon;
            });
        }

        void start(Duration interval) {
            intervalNanos = interval.toNanos();
            thread.scheduleWithFixedDelay(() -> write(System.nanoTime() + intervalNanos, false), interval.toMillis(),
                    interval.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** The last write, queued behind a write under way; the periodic one stops. */
        Future<?> last(long deadlineNanos) {
            try {
                Future<?> last = thread.submit(() -> write(deadlineNanos, true));
                thread.shutdown();
                return last;
            } catch (RuntimeException rejected) {
                return CompletableFuture.completedFuture(null);
            }
        }

        /** One scrape written; never throws, so the schedule goes on. */
        private void write(long deadlineNanos, boolean last) {
            try {
                MetricSnapshots scrape = registry.scrape();
                output.write(scrape, System.currentTimeMillis(), deadlineNanos, last);
            } catch (Throwable e) {
                stats.failures.increment();
                LOG.warn("output " + output.name(), (e.getMessage() != null ? e.getMessage() : String.valueOf(e))
                        + "; counted in pulse_output_failures_total");
            }
        }
    }
}
