package dev.pulse.agent.history;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryTest {

    private static final Labels OP = Labels.of("operation", "x");

    @Test
    void gaugesAreKeptAsTheyAreAndTheRingForgetsTheOldest() {
        History history = new History(3000, 1000);
        for (int i = 0; i < 5; i++) {
            history.record(gauge("depth", i * 10), 1000L * i);
        }
        History.Points points = only(history.points("depth", 60_000, labels -> true));
        assertArrayEquals(new long[] {2000, 3000, 4000}, points.timesMillis);
        assertArrayEquals(new double[] {20, 30, 40}, points.values);
        assertEquals("gauge", points.series.type);
    }

    @Test
    void theWindowCountsBackFromTheLastPass() {
        History history = new History(60_000, 1000);
        for (int i = 0; i < 10; i++) {
            history.record(gauge("depth", i), 1000L * i);
        }
        assertArrayEquals(new double[] {7, 8, 9}, only(history.points("depth", 2000, l -> true)).values);
    }

    @Test
    void aCounterIsItsRatePerSecondAndAResetCountsFromZero() {
        History history = new History(60_000, 2000);
        double[] totals = {10, 10, 20, 50, 4, 8};
        for (int i = 0; i < totals.length; i++) {
            history.record(counter("calls", totals[i]), 2000L * i);
        }
        History.Points rate = only(history.points("calls_total:rate", 60_000, l -> true));
        // No rate for the first pass; an empty interval is 0; after the reset to 4 the increase is 4.
        assertArrayEquals(new double[] {0, 5, 15, 2, 2}, rate.values);
        assertEquals("rate", rate.series.type);
    }

    @Test
    void aHistogramIsItsIntervalQuantilesAndRateInterpolatedWithinBuckets() {
        History history = new History(60_000, 1000);
        double[] bounds = {0.1, 0.5, 1, Double.POSITIVE_INFINITY};
        history.record(histogram(bounds, new long[] {0, 0, 0, 0}), 0);
        // 10 observations in the interval: 4 at or below 0.1, 4 more at or below 0.5, 2 at or below 1.
        history.record(histogram(bounds, new long[] {4, 4, 2, 0}), 2000);
        // An empty interval has no quantile, and rate 0.
        history.record(histogram(bounds, new long[] {4, 4, 2, 0}), 4000);
        // Observations past the last bound: the quantile is that bound, as histogram_quantile says.
        history.record(histogram(bounds, new long[] {4, 4, 2, 5}), 6000);
        // p50: rank 5 falls in (0.1, 0.5] holding 4, one in: 0.1 + 0.4 * (1/4) = 0.2.
        assertArrayEquals(new double[] {0.2, 1}, only(history.points("d:p50", 60_000, l -> true)).values, 1e-12);
        // p95: rank 9.5 in (0.5, 1] holding 2, 1.5 in: 0.5 + 0.5 * 0.75 = 0.875.
        assertArrayEquals(new double[] {0.875, 1}, only(history.points("d:p95", 60_000, l -> true)).values, 1e-12);
        assertArrayEquals(new double[] {5, 0, 2.5},
                only(history.points("d_count:rate", 60_000, l -> true)).values, 1e-12);
    }

    @Test
    void quantilesMatchHistogramQuantile() {
        double[] bounds = {1, 2, 4, Double.POSITIVE_INFINITY};
        assertEquals(0.5, Quantiles.quantile(0.25, bounds, new double[] {2, 4, 4, 4}), 1e-12);
        assertEquals(1.5, Quantiles.quantile(0.75, bounds, new double[] {2, 4, 4, 4}), 1e-12);
        assertEquals(Double.NaN, Quantiles.quantile(0.5, bounds, new double[] {0, 0, 0, 0}));
        assertEquals(4, Quantiles.quantile(0.99, bounds, new double[] {0, 0, 0, 3}), 1e-12);
    }

    @Test
    void aSeriesThatStoppedShowsNoPointsForThePassesItMissedAndGoesAfterAWholeRing() {
        History history = new History(4000, 1000);
        history.record(MetricSnapshots.of(gaugeSnapshot("a", 1), gaugeSnapshot("b", 1)), 0);
        history.record(MetricSnapshots.of(gaugeSnapshot("a", 2)), 1000);
        history.record(MetricSnapshots.of(gaugeSnapshot("a", 3), gaugeSnapshot("b", 3)), 2000);
        assertArrayEquals(new double[] {1, 3}, only(history.points("b", 60_000, l -> true)).values);
        for (int i = 3; i < 8; i++) {
            history.record(MetricSnapshots.of(gaugeSnapshot("a", i)), 1000L * i);
        }
        assertTrue(history.points("b", 60_000, l -> true).isEmpty());
        assertEquals(List.of("a"), history.series().stream().map(s -> s.name).distinct().collect(
                java.util.stream.Collectors.toList()));
    }

    static MetricSnapshots gauge(String name, double value) {
        return MetricSnapshots.of(gaugeSnapshot(name, value));
    }

    static GaugeSnapshot gaugeSnapshot(String name, double value) {
        return GaugeSnapshot.builder().name(name)
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(OP).value(value).build()).build();
    }

    static MetricSnapshots counter(String name, double value) {
        return MetricSnapshots.of(CounterSnapshot.builder().name(name)
                .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(OP).value(value).build()).build());
    }

    private static MetricSnapshots histogram(double[] bounds, long[] counts) {
        double sum = 0;
        return MetricSnapshots.of(HistogramSnapshot.builder().name("d")
                .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder().labels(OP)
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts)).sum(sum).build())
                .build());
    }

    private static History.Points only(List<History.Points> points) {
        assertEquals(1, points.size());
        return points.get(0);
    }
}
