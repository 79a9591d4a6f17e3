package dev.pulse.agent.sample;

import dev.pulse.agent.config.SqlGaugeConfig;
import dev.pulse.agent.metrics.SelfMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.ArrayList;
import java.util.List;

/** The configured SQL gauges, each one query run by the sampler. */
public final class SqlGauges implements SampleSource {

    private final List<SqlGauge> gauges = new ArrayList<>();

    public SqlGauges(List<SqlGaugeConfig> configs, PoolLookup pools, Labels constLabels, int maxSeries,
            SelfMetrics self) {
        for (SqlGaugeConfig config : configs) {
            gauges.add(new SqlGauge(config, ConnectionSource.of(config, pools), constLabels, maxSeries,
                    self::seriesOverflow));
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
