package dev.pulse.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The striped recorder exposes exactly what the client library's classic Histogram did. */
class DurationHistogramTest {

    private static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    private static final Labels SERVICE = Labels.of("service", "svc");
    private static final String[] OPERATIONS = {"cycle", "delivery", "idle"};

    /** The histogram as ProcessingMetrics built it with the library before. */
    private static Histogram library() {
        Histogram histogram = Histogram.builder(PrometheusProperties.builder().build())
                .name("pulse_processing_duration_seconds")
                .help("Time of each call of a timed method.")
                .labelNames("operation")
                .constLabels(SERVICE)
                .classicOnly()
                .classicUpperBounds(BUCKETS)
                .withoutExemplars()
                .build();
        for (String operation : OPERATIONS) {
            histogram.labelValues(operation);
        }
        return histogram;
    }

    /** Durations on, next to and between every bucket bound, and beyond the last. */
    private static List<Long> durations() {
        List<Long> nanos = new ArrayList<>();
        for (double bound : BUCKETS) {
            long limit = (long) (bound * 1e9);
            nanos.add(limit - 1);
            nanos.add(limit);
            nanos.add(limit + 1);
        }
        nanos.add(0L);
        nanos.add(61_000_000_000L);
        Random random = new Random(42);
        for (int i = 0; i < 1000; i++) {
            nanos.add((long) (Math.exp(random.nextDouble() * 25) - 1));
        }
        return nanos;
    }

    @Test
    void bucketsCountsSumsLabelsAndCreatedMatchTheLibrary() throws IOException {
        Histogram library = library();
        DurationHistogram striped = new DurationHistogram(OPERATIONS, BUCKETS, SERVICE);
        List<Long> durations = durations();
        for (int i = 0; i < durations.size(); i++) {
            long nanos = durations.get(i);
            String operation = i % 3 == 0 ? "cycle" : "delivery";
            library.labelValues(operation).observe(nanos / 1e9);
            // Spread over slot stripes and the shared one, as concurrent calls would be.
            int stripe = i % 5 == 0 ? DurationHistogram.SHARED_STRIPE : i % InflightCalls.SLOTS;
            striped.recorder(i % 3 == 0 ? 0 : 1).record(stripe, nanos);
        }
        HistogramSnapshot expected = library.collect();
        HistogramSnapshot actual = striped.collect();
        assertEquals(expected.getMetadata().getPrometheusName(), actual.getMetadata().getPrometheusName());
        assertEquals(expected.getMetadata().getHelp(), actual.getMetadata().getHelp());
        assertEquals(expected.getMetadata().hasUnit(), actual.getMetadata().hasUnit());
        assertEquals(expected.isGaugeHistogram(), actual.isGaugeHistogram());
        assertEquals(expected.getDataPoints().size(), actual.getDataPoints().size());
        for (int i = 0; i < expected.getDataPoints().size(); i++) {
            HistogramDataPointSnapshot want = expected.getDataPoints().get(i);
            HistogramDataPointSnapshot got = actual.getDataPoints().get(i);
            assertEquals(want.getLabels(), got.getLabels());
            assertEquals(want.getCount(), got.getCount());
            assertEquals(want.hasSum(), got.hasSum());
            assertEquals(want.getSum(), got.getSum(), Math.max(1e-9, Math.abs(want.getSum()) * 1e-12));
            assertEquals(want.getClassicBuckets().size(), got.getClassicBuckets().size());
            for (int b = 0; b < want.getClassicBuckets().size(); b++) {
                assertEquals(want.getClassicBuckets().getUpperBound(b), got.getClassicBuckets().getUpperBound(b));
                assertEquals(want.getClassicBuckets().getCount(b), got.getClassicBuckets().getCount(b),
                        "bucket le=" + want.getClassicBuckets().getUpperBound(b) + " of " + want.getLabels());
            }
            assertEquals(want.hasClassicHistogramData(), got.hasClassicHistogramData());
            assertEquals(want.hasNativeHistogramData(), got.hasNativeHistogramData());
            assertEquals(want.hasCreatedTimestamp(), got.hasCreatedTimestamp());
            assertTrue(Math.abs(want.getCreatedTimestampMillis() - got.getCreatedTimestampMillis()) < 60_000);
            assertEquals(want.getExemplars().size(), got.getExemplars().size());
            assertEquals(want.hasScrapeTimestamp(), got.hasScrapeTimestamp());
        }
    }

    @Test
    void everyExpositionFormatPrintsTheSameText() throws IOException {
        Histogram library = library();
        DurationHistogram striped = new DurationHistogram(OPERATIONS, BUCKETS, SERVICE);
        // Durations whose sum is exact in both (whole milliseconds in binary-exact seconds).
        long[] nanos = {0, 1_000_000_000L, 2_000_000_000L, 500_000_000L, 250_000_000L, 64_000_000_000L};
        for (long duration : nanos) {
            library.labelValues("cycle").observe(duration / 1e9);
            striped.recorder(0).record(3, duration);
        }
        for (ExpositionFormatWriter writer : List.of(PrometheusTextFormatWriter.create(),
                new PrometheusTextFormatWriter(true), OpenMetricsTextFormatWriter.create(),
                new OpenMetricsTextFormatWriter(true, true))) {
            assertEquals(withoutCreatedValues(text(writer, library)), withoutCreatedValues(text(writer, striped)),
                    writer.getClass().getSimpleName());
        }
    }

    @Test
    void bucketLimitsInNanosecondsAgreeWithSecondsComparison() {
        for (double bound : new double[] {0.005, 0.01, 0.025, 0.1, 0.3, 1, 2.5, 60, 1e-9, 0.0000001234}) {
            long limit = DurationHistogram.largestNanosWithin(bound);
            assertTrue(limit / 1e9 <= bound, "limit " + limit + " for " + bound);
            assertTrue((limit + 1) / 1e9 > bound, "limit " + limit + " for " + bound);
        }
    }

    @Test
    void concurrentCallsWithSlotsAndWithoutLoseNoCount() throws InterruptedException {
        DurationHistogram striped = new DurationHistogram(OPERATIONS, BUCKETS, SERVICE);
        int threads = 4;
        int calls = 100_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int own = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < calls; i++) {
                    striped.recorder(0).record(i % 2 == 0 ? own : DurationHistogram.SHARED_STRIPE, 1_000_000);
                }
            });
            thread.start();
            running.add(thread);
        }
        start.countDown();
        for (Thread thread : running) {
            thread.join();
        }
        HistogramDataPointSnapshot point = striped.collect().getDataPoints().get(0);
        assertEquals(threads * calls, point.getCount());
        assertEquals(threads * calls * 0.001, point.getSum(), 1e-6);
    }

    private static String text(ExpositionFormatWriter writer, io.prometheus.metrics.model.registry.Collector collector)
            throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(collector);
        MetricSnapshots snapshots = registry.scrape();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out, snapshots, EscapingScheme.UNDERSCORE_ESCAPING);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String withoutCreatedValues(String text) {
        return text.replaceAll("(_created\\{[^}]*\\}) \\S+", "$1 <created>");
    }
}
