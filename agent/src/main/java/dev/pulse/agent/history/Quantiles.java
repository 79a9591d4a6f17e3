package dev.pulse.agent.history;

/** Quantiles of classic histogram buckets, interpolated as Prometheus' {@code histogram_quantile} does. */
final class Quantiles {

    private Quantiles() {
    }

    /**
     * The {@code q} quantile (0..1) of observations counted in cumulative buckets.
     *
     * @param upperBounds increasing bucket bounds, the last one +Inf
     * @param cumulative  cumulative counts per bucket (a count of observations at or below the bound)
     * @return the quantile, linearly interpolated within its bucket (from 0 for the first bucket when
     *     its bound is positive); the highest finite bound when it falls in the +Inf bucket; NaN when
     *     there are no observations
     */
    static double quantile(double q, double[] upperBounds, double[] cumulative) {
        int n = upperBounds.length;
        if (n == 0 || !(cumulative[n - 1] > 0)) {
            return Double.NaN;
        }
        double rank = q * cumulative[n - 1];
        int bucket = 0;
        while (bucket < n - 1 && cumulative[bucket] < rank) {
            bucket++;
        }
        if (bucket == n - 1 && upperBounds[bucket] == Double.POSITIVE_INFINITY) {
            return n >= 2 ? upperBounds[n - 2] : Double.NaN;
        }
        double lower = bucket == 0 ? 0 : upperBounds[bucket - 1];
        double upper = upperBounds[bucket];
        if (bucket == 0 && upper <= 0) {
            return upper;
        }
        double below = bucket == 0 ? 0 : cumulative[bucket - 1];
        double inBucket = cumulative[bucket] - below;
        if (inBucket <= 0) {
            return upper;
        }
        return lower + (upper - lower) * ((rank - below) / inBucket);
    }
}
