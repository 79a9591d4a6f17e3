package dev.pulse.agent.history;

import java.util.Arrays;

/**
 * One series' values, a slot per sampling pass in a fixed ring of primitive doubles: the slot of
 * pass {@code p} is {@code p % capacity}. A pass that did not record the series leaves NaN. The
 * timestamps live once, in {@link History}, for all series.
 */
final class Ring {

    final double[] values;
    /** For counters and histograms, the raw value(s) of the previous pass, to take the interval's rate. */
    double previous = Double.NaN;
    double[] previousBuckets;
    /** The last pass that wrote this series, or -1. */
    long lastPass = -1;

    Ring(int capacity) {
        values = new double[capacity];
        Arrays.fill(values, Double.NaN);
    }

    void put(long pass, double value) {
        int capacity = values.length;
        // Passes skipped since the last write hold no value of this series.
        for (long skipped = Math.max(lastPass + 1, pass - capacity + 1); skipped < pass; skipped++) {
            values[(int) (skipped % capacity)] = Double.NaN;
        }
        values[(int) (pass % capacity)] = value;
        lastPass = pass;
    }

    double get(long pass) {
        if (pass > lastPass || pass <= lastPass - values.length) {
            return Double.NaN;
        }
        return values[(int) (pass % values.length)];
    }
}
