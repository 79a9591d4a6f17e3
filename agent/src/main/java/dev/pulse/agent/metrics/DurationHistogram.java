package dev.pulse.agent.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * {@code pulse_processing_duration_seconds}: the classic histogram the client library's
 * {@code Histogram} would expose (same name, help, labels, buckets, count, sum and created
 * timestamp), recorded without it. The library's observe() bumps a counter shared by every
 * thread before it touches a bucket; on the timed call that one shared cache line cost more
 * than the two clock reads together (see the README's Performance section).
 *
 * <p>Here each operation has one stripe of counters per {@link InflightCalls} slot, a cache line
 * apart. A call records into the stripe of the slot it holds, before releasing it, so a stripe
 * has one writer at a time: recording is a bucket search over precomputed nanosecond limits and
 * two plain stores, no atomic instruction. Calls without a slot share one more stripe, updated
 * atomically. The scrape sums the stripes.
 */
final class DurationHistogram implements Collector {

    static final String NAME = "pulse_processing_duration_seconds";
    static final String HELP = "Time of each call of a timed method.";
    /** The stripe of calls that have no slot: several writers, so atomic adds. */
    static final int SHARED_STRIPE = InflightCalls.SLOTS;
    private static final int STRIPES = InflightCalls.SLOTS + 1;
    private static final int LONGS_PER_LINE = 8;

    private final MetricMetadata metadata = new MetricMetadata(NAME, HELP);
    private final double[] upperBounds;
    /** limits[i]: the largest duration in nanoseconds that bucket i counts (as seconds, <= upperBounds[i]). */
    private final long[] limits;
    private final Recorder[] recorders;
    private final IntPredicate exported;

    /** One series per operation, labelled {@code operation} plus the constant labels. */
    DurationHistogram(String[] operations, double[] buckets, Labels constLabels) {
        this(operations, buckets, constLabels, operation -> true);
    }

    /** As above, with a series only for the operations {@code exported} accepts at collection time. */
    DurationHistogram(String[] operations, double[] buckets, Labels constLabels, IntPredicate exported) {
        this.exported = exported;
        double[] bounds = Arrays.copyOf(buckets, buckets.length + 1);
        bounds[buckets.length] = Double.POSITIVE_INFINITY;
        this.upperBounds = bounds;
        this.limits = new long[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            limits[i] = largestNanosWithin(buckets[i]);
        }
        this.recorders = new Recorder[operations.length];
        for (int i = 0; i < operations.length; i++) {
            recorders[i] = new Recorder(this, constLabels.merge(Labels.of("operation", operations[i])));
        }
    }

    Recorder recorder(int operation) {
        return recorders[operation];
    }

    /**
     * The largest n such that n / 1e9 <= bound, so that a duration lands in the same bucket as
     * the library's {@code seconds <= bound} would put it.
     */
    static long largestNanosWithin(double bound) {
        if (bound >= Long.MAX_VALUE / 1e9) {
            return Long.MAX_VALUE;
        }
        long nanos = (long) Math.floor(bound * 1e9);
        while (nanos / 1e9 > bound) {
            nanos--;
        }
        while ((nanos + 1) / 1e9 <= bound) {
            nanos++;
        }
        return nanos;
    }

    @Override
    public String getPrometheusName() {
        return NAME;
    }

    @Override
    public HistogramSnapshot collect() {
        List<HistogramDataPointSnapshot> points = new ArrayList<>(recorders.length);
        for (int i = 0; i < recorders.length; i++) {
            if (exported.test(i)) {
                points.add(recorders[i].snapshot());
            }
        }
        return new HistogramSnapshot(metadata, points);
    }

    /** One operation's counters. Not final only for the test hook's failing recorder. */
    static class Recorder {
        private final DurationHistogram histogram;
        private final long[] limits;
        private final Labels labels;
        private final long createdMillis = System.currentTimeMillis();
        /** Per stripe: one count per bucket (+Inf last), then the sum in nanoseconds. */
        private final int sumIndex;
        private final int stride;
        private final AtomicLongArray cells;

        Recorder(DurationHistogram histogram, Labels labels) {
            this.histogram = histogram;
            this.limits = histogram.limits;
            this.labels = labels;
            this.sumIndex = limits.length + 1;
            // A free cache line between the used parts of neighbouring stripes.
            this.stride = ((sumIndex + 1 + LONGS_PER_LINE - 1) / LONGS_PER_LINE + 1) * LONGS_PER_LINE;
            this.cells = new AtomicLongArray(STRIPES * stride + LONGS_PER_LINE);
        }

        Labels labels() {
            return labels;
        }

        /**
         * Records one call of {@code nanos}. Only the holder of slot {@code stripe} may record
         * into it; any thread may record into {@link #SHARED_STRIPE}.
         */
        void record(int stripe, long nanos) {
            int base = LONGS_PER_LINE + stripe * stride;
            int bucket = 0;
            while (bucket < limits.length && nanos > limits[bucket]) {
                bucket++;
            }
            if (stripe != SHARED_STRIPE) {
                cells.lazySet(base + bucket, cells.getPlain(base + bucket) + 1);
                cells.lazySet(base + sumIndex, cells.getPlain(base + sumIndex) + nanos);
            } else {
                cells.getAndIncrement(base + bucket);
                cells.getAndAdd(base + sumIndex, nanos);
            }
        }

        HistogramDataPointSnapshot snapshot() {
            long[] counts = new long[limits.length + 1];
            long sumNanos = 0;
            for (int stripe = 0; stripe < STRIPES; stripe++) {
                int base = LONGS_PER_LINE + stripe * stride;
                for (int bucket = 0; bucket < counts.length; bucket++) {
                    counts[bucket] += cells.get(base + bucket);
                }
                sumNanos += cells.get(base + sumIndex);
            }
            ClassicHistogramBuckets buckets = ClassicHistogramBuckets.of(histogram.upperBounds, counts);
            return new HistogramDataPointSnapshot(buckets, sumNanos / 1e9, labels, Exemplars.EMPTY, createdMillis);
        }
    }
}
