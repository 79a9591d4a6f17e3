package dev.pulse.agent.history;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The last {@code pulse.history.duration} of every series the agent exports, one point per
 * sampling pass, in primitive ring buffers. Gauges are kept as they are; a counter {@code X_total}
 * as its per-second rate over the pass, {@code X_total:rate}; a histogram {@code X} as the pass's
 * {@code X:p50}, {@code X:p95} and {@code X:p99} (interpolated within buckets, as
 * {@code histogram_quantile} does) and its observations per second {@code X_count:rate}; a summary
 * {@code X} as {@code X_count:rate} and {@code X_sum:rate}. A counter that went down (a restart of
 * what it counts) counts from 0, as Prometheus' rate() does; a pass with no observation has no
 * quantile. Recording allocates only for a series seen for the first time. Thread-safe: one
 * recorder, any number of readers.
 */
public final class History {

    /** Series kept at most, whatever their families' caps; more are not recorded. */
    static final int MAX_SERIES = 20_000;
    static final double[] QUANTILES = {0.5, 0.95, 0.99};
    static final String[] QUANTILE_SUFFIXES = {":p50", ":p95", ":p99"};

    private final int capacity;
    private final long stepMillis;
    private final long[] passMillis;
    private final Map<String, Map<Labels, Series>> byName = new HashMap<>();
    private long pass = -1;
    /** Readers' scratch space for sorting a series' window; under this object's lock. */
    private double[] scratch;
    private int seriesCount;
    private long notRecorded;

    /**
     * @param durationMillis how far back to keep
     * @param stepMillis     the sampling interval: one point per series per step
     */
    public History(long durationMillis, long stepMillis) {
        this.stepMillis = stepMillis;
        this.capacity = (int) Math.max(2, Math.min(1_000_000, durationMillis / stepMillis));
        this.passMillis = new long[capacity];
    }

    /** Records one scrape taken at {@code nowMillis} (epoch milliseconds) as the next pass. */
    public synchronized void record(MetricSnapshots scrape, long nowMillis) {
        pass++;
        passMillis[(int) (pass % capacity)] = nowMillis;
        for (MetricSnapshot snapshot : scrape) {
            String name = snapshot.getMetadata().getPrometheusName();
            if (snapshot instanceof GaugeSnapshot) {
                for (GaugeSnapshot.GaugeDataPointSnapshot point : ((GaugeSnapshot) snapshot).getDataPoints()) {
                    gauge(name, point, point.getValue());
                }
            } else if (snapshot instanceof UnknownSnapshot) {
                for (UnknownSnapshot.UnknownDataPointSnapshot point : ((UnknownSnapshot) snapshot).getDataPoints()) {
                    gauge(name, point, point.getValue());
                }
            } else if (snapshot instanceof InfoSnapshot) {
                for (InfoSnapshot.InfoDataPointSnapshot point : ((InfoSnapshot) snapshot).getDataPoints()) {
                    gauge(name + "_info", point, 1);
                }
            } else if (snapshot instanceof CounterSnapshot) {
                for (CounterSnapshot.CounterDataPointSnapshot point : ((CounterSnapshot) snapshot).getDataPoints()) {
                    rate(name + "_total:rate", point.getLabels(), point.getValue());
                }
            } else if (snapshot instanceof HistogramSnapshot) {
                for (HistogramSnapshot.HistogramDataPointSnapshot point
                        : ((HistogramSnapshot) snapshot).getDataPoints()) {
                    histogram(name, point);
                }
            } else if (snapshot instanceof SummarySnapshot) {
                for (SummarySnapshot.SummaryDataPointSnapshot point : ((SummarySnapshot) snapshot).getDataPoints()) {
                    if (point.hasCount()) {
                        rate(name + "_count:rate", point.getLabels(), point.getCount());
                    }
                    if (point.hasSum()) {
                        rate(name + "_sum:rate", point.getLabels(), point.getSum());
                    }
                }
            }
        }
        forgetSeriesGoneForAWholeRing();
    }

    private void gauge(String name, DataPointSnapshot point, double value) {
        Series series = series(name, point.getLabels(), Series.GAUGE);
        if (series != null) {
            series.ring.put(pass, value);
        }
    }

    /** The per-second increase since the series' previous pass; a decrease is a reset, counted from 0. */
    private void rate(String name, Labels labels, double value) {
        Series series = series(name, labels, Series.RATE);
        if (series == null) {
            return;
        }
        Ring ring = series.ring;
        double seconds = secondsSincePrevious(series);
        if (seconds > 0 && !Double.isNaN(ring.previous)) {
            double increase = value >= ring.previous ? value - ring.previous : value;
            ring.put(pass, increase / seconds);
        } else {
            ring.put(pass, Double.NaN);
        }
        ring.previous = value;
        series.rawPass = pass;
    }

    private void histogram(String name, HistogramSnapshot.HistogramDataPointSnapshot point) {
        if (!point.hasClassicHistogramData()) {
            return;
        }
        Labels labels = point.getLabels();
        ClassicHistogramBuckets buckets = point.getClassicBuckets();
        Series p50 = series(name + QUANTILE_SUFFIXES[0], labels, Series.QUANTILE);
        if (p50 == null) {
            return;
        }
        Ring raw = p50.ring;
        int n = buckets.size();
        if (raw.previousBuckets == null || raw.previousBuckets.length != n) {
            raw.previousBuckets = new double[n];
            Arrays.fill(raw.previousBuckets, Double.NaN);
            p50.bounds = new double[n];
            p50.scratch = new double[n];
        }
        double cumulative = 0;
        boolean reset = false;
        for (int i = 0; i < n; i++) {
            cumulative += buckets.getCount(i);
            p50.bounds[i] = buckets.getUpperBound(i);
            double before = raw.previousBuckets[i];
            p50.scratch[i] = Double.isNaN(before) ? Double.NaN : cumulative - before;
            reset |= cumulative < before;
            raw.previousBuckets[i] = cumulative;
        }
        if (reset) {
            // What it counts restarted: this pass's observations are all there is.
            double total = 0;
            for (int i = 0; i < n; i++) {
                total += buckets.getCount(i);
                p50.scratch[i] = total;
            }
        }
        double seconds = secondsSincePrevious(p50);
        boolean known = seconds > 0 && !Double.isNaN(p50.scratch[n - 1]);
        for (int q = 0; q < QUANTILES.length; q++) {
            Series quantile = q == 0 ? p50 : series(name + QUANTILE_SUFFIXES[q], labels, Series.QUANTILE);
            if (quantile != null) {
                quantile.ring.put(pass, known ? Quantiles.quantile(QUANTILES[q], p50.bounds, p50.scratch) : Double.NaN);
            }
        }
        Series count = series(name + "_count:rate", labels, Series.RATE);
        if (count != null) {
            count.ring.put(pass, known ? p50.scratch[n - 1] / seconds : Double.NaN);
        }
        p50.rawPass = pass;
    }

    private double secondsSincePrevious(Series series) {
        if (series.rawPass < 0 || series.rawPass <= pass - capacity) {
            return 0;
        }
        return (passMillis[(int) (pass % capacity)] - passMillis[(int) (series.rawPass % capacity)]) / 1000.0;
    }

    private Series series(String name, Labels labels, String type) {
        Map<Labels, Series> family = byName.get(name);
        Series series = family == null ? null : family.get(labels);
        if (series != null) {
            return series;
        }
        if (seriesCount >= MAX_SERIES) {
            notRecorded++;
            return null;
        }
        if (family == null) {
            family = new HashMap<>();
            byName.put(name, family);
        }
        series = new Series(name, labels, type, new Ring(capacity));
        family.put(labels, series);
        seriesCount++;
        return series;
    }

    private void forgetSeriesGoneForAWholeRing() {
        for (Iterator<Map<Labels, Series>> families = byName.values().iterator(); families.hasNext(); ) {
            Map<Labels, Series> family = families.next();
            for (Iterator<Series> it = family.values().iterator(); it.hasNext(); ) {
                Series series = it.next();
                if (series.ring.lastPass <= pass - capacity) {
                    it.remove();
                    seriesCount--;
                }
            }
            if (family.isEmpty()) {
                families.remove();
            }
        }
    }

    /** The sampling interval, milliseconds. */
    public long stepMillis() {
        return stepMillis;
    }

    /** How far back the history reaches at most, milliseconds. */
    public long durationMillis() {
        return capacity * stepMillis;
    }

    /** Series left out because {@link #MAX_SERIES} were kept already. */
    public synchronized long notRecorded() {
        return notRecorded;
    }

    /** Every series kept: name, labels and kind. */
    public synchronized List<SeriesInfo> series() {
        List<SeriesInfo> all = new ArrayList<>();
        for (Map<Labels, Series> family : byName.values()) {
            for (Series series : family.values()) {
                all.add(new SeriesInfo(series.name, series.labels, series.type));
            }
        }
        all.sort((a, b) -> a.name.equals(b.name) ? a.labels.compareTo(b.labels) : a.name.compareTo(b.name));
        return all;
    }

    /**
     * The points of the series named {@code name} whose labels pass {@code filter}, from
     * {@code windowMillis} before the last pass to it; NaN points (passes without a value) are left out.
     */
    public synchronized List<Points> points(String name, long windowMillis, Predicate<Labels> filter) {
        List<Points> result = new ArrayList<>();
        Map<Labels, Series> family = byName.get(name);
        if (family == null || pass < 0) {
            return result;
        }
        long end = passMillis[(int) (pass % capacity)];
        long first = Math.max(0, pass - capacity + 1);
        for (Series series : family.values()) {
            if (!filter.test(series.labels)) {
                continue;
            }
            int count = 0;
            long[] times = new long[(int) (pass - first + 1)];
            double[] values = new double[times.length];
            for (long p = first; p <= pass; p++) {
                long time = passMillis[(int) (p % capacity)];
                double value = series.ring.get(p);
                if (end - time <= windowMillis && !Double.isNaN(value)) {
                    times[count] = time;
                    values[count] = value;
                    count++;
                }
            }
            result.add(new Points(new SeriesInfo(series.name, series.labels, series.type),
                    Arrays.copyOf(times, count), Arrays.copyOf(values, count)));
        }
        result.sort((a, b) -> a.series.labels.compareTo(b.series.labels));
        return result;
    }

    /**
     * Count, average, minimum, maximum, nearest-rank 95th percentile and last value of the points of
     * each series named {@code name} whose labels pass {@code filter}, over {@code windowMillis}
     * back from the last pass. Computed on the rings themselves, with one scratch array reused.
     */
    public synchronized List<Summary> summaries(String name, long windowMillis, Predicate<Labels> filter) {
        List<Summary> result = new ArrayList<>();
        Map<Labels, Series> family = byName.get(name);
        if (family == null || pass < 0) {
            return result;
        }
        long end = passMillis[(int) (pass % capacity)];
        long first = Math.max(0, pass - capacity + 1);
        while (first < pass && end - passMillis[(int) (first % capacity)] > windowMillis) {
            first++;
        }
        if (scratch == null || scratch.length < capacity) {
            scratch = new double[capacity];
        }
        for (Series series : family.values()) {
            if (!filter.test(series.labels)) {
                continue;
            }
            int count = 0;
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double last = Double.NaN;
            // Walk the ring with an int index (no division per point); passes after the series'
            // last write hold older values, and are not its.
            double[] values = series.ring.values;
            long until = Math.min(pass, series.ring.lastPass);
            int index = (int) (first % capacity);
            for (long p = first; p <= until; p++) {
                double value = values[index];
                if (++index == capacity) {
                    index = 0;
                }
                if (!Double.isNaN(value)) {
                    scratch[count++] = value;
                    sum += value;
                    min = Math.min(min, value);
                    max = Math.max(max, value);
                    last = value;
                }
            }
            double p95 = Double.NaN;
            if (count > 0) {
                Arrays.sort(scratch, 0, count);
                p95 = scratch[Math.max(0, (int) Math.ceil(0.95 * count) - 1)];
            }
            result.add(new Summary(new SeriesInfo(series.name, series.labels, series.type), count,
                    count == 0 ? Double.NaN : sum / count, count == 0 ? Double.NaN : min,
                    count == 0 ? Double.NaN : max, p95, last));
        }
        result.sort((a, b) -> a.series.labels.compareTo(b.series.labels));
        return result;
    }

    /** One series' aggregates over a window. */
    public static final class Summary {
        public final SeriesInfo series;
        public final int count;
        public final double avg;
        public final double min;
        public final double max;
        public final double p95;
        public final double last;

        Summary(SeriesInfo series, int count, double avg, double min, double max, double p95, double last) {
            this.series = series;
            this.count = count;
            this.avg = avg;
            this.min = min;
            this.max = max;
            this.p95 = p95;
            this.last = last;
        }
    }

    /** A kept series, as the API lists it. */
    public static final class SeriesInfo {
        public final String name;
        public final Labels labels;
        /** "gauge", "rate" (per second) or "quantile" (in the histogram's unit). */
        public final String type;

        SeriesInfo(String name, Labels labels, String type) {
            this.name = name;
            this.labels = labels;
            this.type = type;
        }
    }

    /** One series' points: epoch milliseconds and values. */
    public static final class Points {
        public final SeriesInfo series;
        public final long[] timesMillis;
        public final double[] values;

        Points(SeriesInfo series, long[] timesMillis, double[] values) {
            this.series = series;
            this.timesMillis = timesMillis;
            this.values = values;
        }
    }

    private static final class Series {
        static final String GAUGE = "gauge";
        static final String RATE = "rate";
        static final String QUANTILE = "quantile";

        final String name;
        final Labels labels;
        final String type;
        final Ring ring;
        /** The last pass whose raw value (counter, buckets) this series keeps in its ring. */
        long rawPass = -1;
        double[] bounds;
        double[] scratch;

        Series(String name, Labels labels, String type, Ring ring) {
            this.name = name;
            this.labels = labels;
            this.type = type;
            this.ring = ring;
        }
    }
}
