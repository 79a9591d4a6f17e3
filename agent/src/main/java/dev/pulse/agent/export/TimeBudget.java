package dev.pulse.agent.export;

/**
 * Time one thread may spend working, so that no flood of requests can take more than a share of
 * a core: the budget refills at {@code share} seconds per second, up to {@code burst}; a thread
 * that overdraws it rests until it is even again. Work is measured in wall time, which is never
 * less than the CPU time it took. Not thread-safe: one budget per thread.
 */
final class TimeBudget {

    private final double share;
    private final long burstNanos;
    private long balanceNanos;
    private long refilledAt;

    /**
     * @param share      seconds of work allowed per second, in (0, 1]
     * @param burstNanos work that may be done at once before the share applies
     */
    TimeBudget(double share, long burstNanos) {
        this.share = share;
        this.burstNanos = burstNanos;
        this.balanceNanos = burstNanos;
        this.refilledAt = System.nanoTime();
    }

    /**
     * Charges {@code workedNanos} of work that ended now.
     *
     * @return nanoseconds to rest before working again; 0 while the budget is in credit
     */
    long charge(long workedNanos) {
        long now = System.nanoTime();
        balanceNanos = Math.min(burstNanos, balanceNanos + (long) ((now - refilledAt) * share)) - workedNanos;
        refilledAt = now;
        return balanceNanos >= 0 ? 0 : (long) (-balanceNanos / share);
    }
}
