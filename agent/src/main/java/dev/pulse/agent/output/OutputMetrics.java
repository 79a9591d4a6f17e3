package dev.pulse.agent.output;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The outputs' own numbers, each with {@code output="influx|textfile|pushgateway"}:
 * {@code pulse_output_points_total} (series written), {@code pulse_output_failures_total} (failed
 * writes), {@code pulse_output_dropped_points_total} (points dropped because the buffer was full or
 * the server refused them), {@code pulse_output_buffered_points} (waiting to be written) and
 * {@code pulse_output_last_success_timestamp_seconds} (absent before the first success).
 */
final class OutputMetrics {

    private OutputMetrics() {
    }

    static void register(PrometheusRegistry registry, List<OutputStats> outputs, Labels constLabels,
            PrometheusProperties properties) {
        registry.register(counter(properties, constLabels, outputs, "pulse_output_points",
                "Points (series) written by an output.", stats -> stats.points.sum()));
        registry.register(counter(properties, constLabels, outputs, "pulse_output_failures",
                "Writes of an output that failed.", stats -> stats.failures.sum()));
        registry.register(counter(properties, constLabels, outputs, "pulse_output_dropped_points",
                "Points an output dropped: its buffer was full, or the server refused them.",
                stats -> stats.dropped.sum()));
        registry.register(GaugeWithCallback.builder(properties)
                .name("pulse_output_buffered_points")
                .help("Points waiting to be written by an output.")
                .labelNames("output")
                .constLabels(constLabels)
                .callback(callback -> outputs.forEach(stats -> callback.call(stats.buffered.get(), stats.output)))
                .build());
        registry.register(GaugeWithCallback.builder(properties)
                .name("pulse_output_last_success_timestamp_seconds")
                .help("When an output last wrote successfully.")
                .labelNames("output")
                .constLabels(constLabels)
                .callback(callback -> outputs.forEach(stats -> {
                    long millis = stats.lastSuccessMillis.get();
                    if (millis > 0) {
                        callback.call(millis / 1000.0, stats.output);
                    }
                }))
                .build());
    }

    private static CounterWithCallback counter(PrometheusProperties properties, Labels constLabels,
            List<OutputStats> outputs, String name, String help, ToDoubleFunction<OutputStats> value) {
        return CounterWithCallback.builder(properties)
                .name(name)
                .help(help)
                .labelNames("output")
                .constLabels(constLabels)
                .callback(callback -> outputs.forEach(stats -> callback.call(value.applyAsDouble(stats), stats.output)))
                .build();
    }
}
