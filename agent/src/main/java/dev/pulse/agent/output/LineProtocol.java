package dev.pulse.agent.output;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns a scrape into InfluxDB line protocol, one line (point) per series, the way Telegraf's
 * Prometheus input names them: the measurement is the metric's Prometheus name (a counter's with
 * {@code _total}), the labels are tags, and the fields are {@code counter} for a counter,
 * {@code gauge} for a gauge or info metric, {@code value} for an untyped one, and {@code count},
 * {@code sum} and one field per bucket bound (its cumulative count, {@code +Inf} included) for a
 * histogram; a summary has {@code count}, {@code sum} and one field per quantile. Values that
 * line protocol cannot carry (NaN, infinities) are left out, and a point left with no field is
 * skipped.
 */
final class LineProtocol {

    private LineProtocol() {
    }

    /**
     * Appends a line per series of {@code snapshots} to {@code lines}, stamped {@code timestampMillis}
     * (the write uses precision=ms).
     */
    static void write(MetricSnapshots snapshots, long timestampMillis, Consumer<String> lines) {
        for (MetricSnapshot snapshot : snapshots) {
            String name = snapshot.getMetadata().getPrometheusName();
            if (snapshot instanceof CounterSnapshot) {
                for (CounterSnapshot.CounterDataPointSnapshot point : ((CounterSnapshot) snapshot).getDataPoints()) {
                    emit(lines, name + "_total", point, timestampMillis, "counter", point.getValue());
                }
            } else if (snapshot instanceof GaugeSnapshot) {
                for (GaugeSnapshot.GaugeDataPointSnapshot point : ((GaugeSnapshot) snapshot).getDataPoints()) {
                    emit(lines, name, point, timestampMillis, "gauge", point.getValue());
                }
            } else if (snapshot instanceof InfoSnapshot) {
                for (InfoSnapshot.InfoDataPointSnapshot point : ((InfoSnapshot) snapshot).getDataPoints()) {
                    emit(lines, name + "_info", point, timestampMillis, "gauge", 1);
                }
            } else if (snapshot instanceof UnknownSnapshot) {
                for (UnknownSnapshot.UnknownDataPointSnapshot point : ((UnknownSnapshot) snapshot).getDataPoints()) {
                    emit(lines, name, point, timestampMillis, "value", point.getValue());
                }
            } else if (snapshot instanceof HistogramSnapshot) {
                for (HistogramSnapshot.HistogramDataPointSnapshot point
                        : ((HistogramSnapshot) snapshot).getDataPoints()) {
                    histogram(lines, name, point, timestampMillis);
                }
            } else if (snapshot instanceof SummarySnapshot) {
                for (SummarySnapshot.SummaryDataPointSnapshot point : ((SummarySnapshot) snapshot).getDataPoints()) {
                    summary(lines, name, point, timestampMillis);
                }
            }
            // State sets have no number to write.
        }
    }

    private static void emit(Consumer<String> lines, String measurement, DataPointSnapshot point, long timestamp,
            String field, double value) {
        if (!Double.isFinite(value)) {
            return;
        }
        StringBuilder line = start(measurement, point.getLabels());
        field(line, true, field, value);
        lines.accept(end(line, timestamp));
    }

    private static void histogram(Consumer<String> lines, String name, HistogramSnapshot.HistogramDataPointSnapshot point,
            long timestamp) {
        if (!point.hasClassicHistogramData()) {
            return;
        }
        StringBuilder line = start(name, point.getLabels());
        ClassicHistogramBuckets buckets = point.getClassicBuckets();
        long cumulative = 0;
        for (int i = 0; i < buckets.size(); i++) {
            cumulative += buckets.getCount(i);
        }
        boolean first = field(line, true, "count", point.hasCount() ? point.getCount() : cumulative);
        if (point.hasSum()) {
            first = field(line, first, "sum", point.getSum());
        }
        cumulative = 0;
        for (int i = 0; i < buckets.size(); i++) {
            cumulative += buckets.getCount(i);
            first = field(line, first, bound(buckets.getUpperBound(i)), cumulative);
        }
        lines.accept(end(line, timestamp));
    }

    private static void summary(Consumer<String> lines, String name, SummarySnapshot.SummaryDataPointSnapshot point,
            long timestamp) {
        StringBuilder line = start(name, point.getLabels());
        boolean first = true;
        if (point.hasCount()) {
            first = field(line, first, "count", point.getCount());
        }
        if (point.hasSum()) {
            first = field(line, first, "sum", point.getSum());
        }
        for (Quantile quantile : point.getQuantiles()) {
            first = field(line, first, bound(quantile.getQuantile()), quantile.getValue());
        }
        if (!first) {
            lines.accept(end(line, timestamp));
        }
    }

    private static StringBuilder start(String measurement, Labels labels) {
        StringBuilder line = new StringBuilder(128);
        escape(line, measurement, false);
        for (int i = 0; i < labels.size(); i++) {
            String value = labels.getValue(i);
            if (value.isEmpty()) {
                continue; // line protocol has no empty tag value: the tag is left out
            }
            line.append(',');
            escape(line, labels.getPrometheusName(i), true);
            line.append('=');
            escape(line, value, true);
        }
        return line.append(' ');
    }

    /** Appends {@code key=value} (comma first unless {@code first}); returns whether still nothing was written. */
    private static boolean field(StringBuilder line, boolean first, String key, double value) {
        if (!Double.isFinite(value)) {
            return first;
        }
        if (!first) {
            line.append(',');
        }
        escape(line, key, true);
        line.append('=');
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            line.append((long) value).append(".0");
        } else {
            line.append(value);
        }
        return false;
    }

    private static String end(StringBuilder line, long timestamp) {
        return line.append(' ').append(timestamp).toString();
    }

    private static String bound(double bound) {
        if (bound == Double.POSITIVE_INFINITY) {
            return "+Inf";
        }
        return bound == Math.rint(bound) && Math.abs(bound) < 1e15 ? Long.toString((long) bound) : Double.toString(bound);
    }

    /**
     * Escapes a measurement (spaces and commas) or a tag key, tag value or field key (spaces,
     * commas and equals signs) with a backslash; a backslash itself is doubled, so that one that
     * ends a value cannot escape the separator after it; a newline, which line protocol cannot
     * carry in a name or tag, is written as the two characters {@code \n} (and a carriage return
     * as {@code \r}).
     */
    static void escape(StringBuilder out, String text, boolean equalsToo) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case ' ':
                case ',':
                case '\\':
                    out.append('\\').append(c);
                    break;
                case '=':
                    if (equalsToo) {
                        out.append('\\');
                    }
                    out.append(c);
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                default:
                    out.append(c);
            }
        }
    }

    /** For tests: the lines of one scrape. */
    static List<String> lines(MetricSnapshots snapshots, long timestampMillis) {
        List<String> lines = new java.util.ArrayList<>();
        write(snapshots, timestampMillis, lines::add);
        return lines;
    }
}
