package dev.pulse.agent.sample;

import dev.pulse.agent.config.SqlGaugeConfig;
import dev.pulse.agent.metrics.SelfMetrics;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The configured SQL gauges, each one query run on its own schedule, and what says whether each
 * is up: {@code pulse_sql_up{gauge}} and {@code pulse_sql_last_success_timestamp_seconds{gauge}}.
 */
public final class SqlGauges implements SampleSource {

    /**
     * Sampling intervals during which a {@code .pool} not found yet is not a failure: pools are
     * found as the service creates them, often well after it started.
     */
    public static final int STARTUP_GRACE_INTERVALS = 12;
    /** The shortest start-up grace, whatever the interval: a loaded machine starts slowly. */
    public static final Duration MIN_STARTUP_GRACE = Duration.ofSeconds(30);

    private final List<SqlGauge> gauges = new ArrayList<>();
    private final GaugeWithCallback up;
    private final GaugeWithCallback lastSuccess;

    /**
     * @param startupGrace how long after now a missing {@code .pool} is waited for quietly
     */
    public SqlGauges(List<SqlGaugeConfig> configs, PoolLookup pools, Labels constLabels, int maxSeries,
            SelfMetrics self, Duration startupGrace, PrometheusProperties properties) {
        long graceEnd = System.nanoTime() + startupGrace.toNanos();
        for (SqlGaugeConfig config : configs) {
            gauges.add(new SqlGauge(config, ConnectionSource.of(config, pools, graceEnd), constLabels, maxSeries,
                    self::seriesOverflow));
        }
        this.up = GaugeWithCallback.builder(properties)
                .name("pulse_sql_up")
                .help("1 if the SQL gauge's last read succeeded, else 0 (its series are then absent).")
                .labelNames("gauge")
                .constLabels(constLabels)
                .callback(callback -> {
                    for (SqlGauge gauge : gauges) {
                        if (gauge.up() != SqlGauge.UNKNOWN) {
                            callback.call(gauge.up(), gauge.gaugeName());
                        }
                    }
                })
                .build();
        this.lastSuccess = GaugeWithCallback.builder(properties)
                .name("pulse_sql_last_success_timestamp_seconds")
                .help("When the SQL gauge's last successful read ended, in Unix seconds.")
                .labelNames("gauge")
                .constLabels(constLabels)
                .callback(callback -> {
                    for (SqlGauge gauge : gauges) {
                        if (!Double.isNaN(gauge.lastSuccessSeconds())) {
                            callback.call(gauge.lastSuccessSeconds(), gauge.gaugeName());
                        }
                    }
                })
                .build();
    }

    /** How long a missing {@code .pool} is waited for quietly: 12 intervals, at least 30 s. */
    public static Duration startupGrace(Duration interval) {
        Duration intervals = interval.multipliedBy(STARTUP_GRACE_INTERVALS);
        return intervals.compareTo(MIN_STARTUP_GRACE) < 0 ? MIN_STARTUP_GRACE : intervals;
    }

    @Override
    public void register(PrometheusRegistry registry) {
        if (gauges.isEmpty()) {
            return;
        }
        registry.register(up);
        registry.register(lastSuccess);
        for (SqlGauge gauge : gauges) {
            registry.register(gauge);
        }
    }

    @Override
    public List<SampleTask> tasks() {
        return List.copyOf(gauges);
    }
}
