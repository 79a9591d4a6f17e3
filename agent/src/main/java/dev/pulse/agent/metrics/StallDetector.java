package dev.pulse.agent.metrics;

import dev.pulse.agent.AgentLog;
import dev.pulse.agent.config.TimerConfig;
import dev.pulse.agent.sample.SampleSource;
import dev.pulse.agent.sample.SampleTask;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.ArrayList;
import java.util.List;

/**
 * Looks, every sampling interval, for calls of an operation with a {@code .stall} threshold that
 * have run longer than it, and logs each such call once, with its thread's name and stack. The
 * timed call itself does nothing for this: the detector reads the in-flight table.
 */
public final class StallDetector implements SampleSource, SampleTask {

    static final int MAX_FRAMES = 40;
    static final String THRESHOLD = "pulse_processing_stall_threshold_seconds";

    private final ProcessingMetrics metrics;
    private final int[] timers;
    private final long[] thresholds;
    /** Per watched timer and slot, the start of the call already reported. Sampler thread only. */
    private final long[][] reported;
    private final Labels constLabels;
    private final PrometheusProperties properties;

    public StallDetector(ProcessingMetrics metrics, List<TimerConfig> configs, Labels constLabels,
            PrometheusProperties properties) {
        this.metrics = metrics;
        this.constLabels = constLabels;
        this.properties = properties;
        List<Integer> watched = new ArrayList<>();
        for (int id = 0; id < configs.size(); id++) {
            if (configs.get(id).stall().isPresent()) {
                watched.add(id);
            }
        }
        this.timers = new int[watched.size()];
        this.thresholds = new long[watched.size()];
        this.reported = new long[watched.size()][InflightCalls.SLOTS];
        for (int i = 0; i < timers.length; i++) {
            timers[i] = watched.get(i);
            thresholds[i] = configs.get(timers[i]).stall().get().toNanos();
        }
    }

    public boolean watchesAnything() {
        return timers.length > 0;
    }

    /**
     * Exports each watched operation's threshold as {@code pulse_processing_stall_threshold_seconds},
     * so an alert can compare pulse_processing_oldest_inflight_seconds with it; operations without
     * a {@code .stall} have no such series.
     */
    @Override
    public void register(PrometheusRegistry registry) {
        if (!watchesAnything()) {
            return;
        }
        registry.register(GaugeWithCallback.builder(properties)
                .name(THRESHOLD)
                .help("Stall threshold of a timed operation (pulse.timer.<operation>.stall): a call running longer"
                        + " is logged once with its stack.")
                .labelNames("operation")
                .constLabels(constLabels)
                .callback(callback -> {
                    for (int i = 0; i < timers.length; i++) {
                        callback.call(thresholds[i] / 1e9, metrics.operation(timers[i]));
                    }
                })
                .build());
    }

    @Override
    public List<SampleTask> tasks() {
        return watchesAnything() ? List.of(this) : List.of();
    }

    @Override
    public String name() {
        return "stall";
    }

    @Override
    public void run(Errors errors) {
        long now = System.nanoTime();
        for (int i = 0; i < timers.length; i++) {
            InflightCalls calls = metrics.calls(timers[i]);
            for (int slot = 0; slot < InflightCalls.SLOTS; slot++) {
                InflightCalls.Call call = calls.call(slot);
                if (call != null && now - call.start > thresholds[i] && reported[i][slot] != call.start) {
                    reported[i][slot] = call.start;
                    report(metrics.operation(timers[i]), call, now - call.start, thresholds[i]);
                }
            }
        }
    }

    private static void report(String operation, InflightCalls.Call call, long ageNanos, long thresholdNanos) {
        if (call.thread == null) {
            // A suspended Kotlin call: no thread runs it, so there is no stack to show.
            AgentLog.warn("operation " + operation + ": a suspended call (no thread runs it now) has run for "
                    + seconds(ageNanos) + " (stall threshold " + seconds(thresholdNanos) + ")");
            return;
        }
        StackTraceElement[] stack = call.thread.getStackTrace();
        StringBuilder text = new StringBuilder()
                .append("operation ").append(operation)
                .append(": a call on thread \"").append(call.thread.getName())
                .append("\" has run for ").append(seconds(ageNanos))
                .append(" (stall threshold ").append(seconds(thresholdNanos)).append("); its stack:");
        int frames = Math.min(stack.length, MAX_FRAMES);
        for (int i = 0; i < frames; i++) {
            text.append("\n\tat ").append(stack[i]);
        }
        if (stack.length > frames) {
            text.append("\n\t... ").append(stack.length - frames).append(" more");
        }
        AgentLog.warnBlock(text.toString());
    }

    private static String seconds(long nanos) {
        if (nanos < 1_000_000_000L) {
            return (nanos / 1_000_000) + "ms";
        }
        return String.format(java.util.Locale.ROOT, "%.1fs", nanos / 1e9);
    }
}
