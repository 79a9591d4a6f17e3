package dev.pulse.agent.metrics;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** What the agent says about itself: its version, and faults it swallowed to keep the host safe. */
public final class SelfMetrics {

    private final LongAdder recordingFaults = new LongAdder();
    private final LongAdder scrapeFaults = new LongAdder();
    private final GaugeWithCallback info;
    private final CounterWithCallback faults;
    private final Counter overflows;

    public SelfMetrics(String version, Labels constLabels, PrometheusProperties properties, LongSupplier weaveErrors) {
        this.info = GaugeWithCallback.builder(properties)
                .name("pulse_agent_info")
                .help("Pulse agent information; always 1.")
                .labelNames("version")
                .constLabels(constLabels)
                .callback(callback -> callback.call(1, version))
                .build();
        this.faults = CounterWithCallback.builder(properties)
                .name("pulse_agent_errors_total")
                .help("Faults inside the agent, swallowed so the host never sees them.")
                .labelNames("component")
                .constLabels(constLabels)
                .callback(callback -> {
                    callback.call(recordingFaults.sum(), "recorder");
                    callback.call(weaveErrors.getAsLong(), "weaver");
                    callback.call(scrapeFaults.sum(), "scrape");
                })
                .build();
        this.overflows = Counter.builder(properties)
                .name("pulse_series_overflow_total")
                .help("Label sets folded into a family's \"other\" series because the family reached"
                        + " pulse.metrics.max_series (or its own smaller cap).")
                .labelNames("metric")
                .constLabels(constLabels)
                .withoutExemplars()
                .build();
    }

    public void register(PrometheusRegistry registry) {
        registry.register(info);
        registry.register(faults);
        registry.register(overflows);
    }

    /** {@code count} label sets of {@code metric} went into its overflow series. Not on the hot path. */
    public void seriesOverflow(String metric, long count) {
        overflows.labelValues(metric).inc(count);
    }

    /** A scrape failed inside the agent. */
    public void scrapeFault() {
        scrapeFaults.increment();
    }

    void recordingFault() {
        recordingFaults.increment();
    }
}
