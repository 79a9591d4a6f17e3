package dev.pulse.agent.sample;

import dev.pulse.agent.config.SqlGaugeConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.ArrayList;
import java.util.List;

/** The configured SQL gauges, each one query run by the sampler. */
public final class SqlGauges implements SampleSource {

    private final List<SqlGauge> gauges = new ArrayList<>();

    public SqlGauges(List<SqlGaugeConfig> configs, PoolLookup pools, Labels constLabels) {
        for (SqlGaugeConfig config : configs) {
            gauges.add(new SqlGauge(config, ConnectionSource.of(config, pools), constLabels));
        }
    }

    @Override
    public void register(PrometheusRegistry registry) {
        for (SqlGauge gauge : gauges) {
            registry.register(gauge);
        }
    }

    @Override
    public List<SampleTask> tasks() {
        return List.copyOf(gauges);
    }
}
