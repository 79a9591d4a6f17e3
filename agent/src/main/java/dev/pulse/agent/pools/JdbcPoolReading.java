package dev.pulse.agent.pools;

/** One reading of a connection pool; {@link #UNKNOWN} where the pool does not tell. */
public final class JdbcPoolReading {

    public static final long UNKNOWN = -1;

    final long size;
    final long free;
    final long active;
    final long pending;
    final long max;

    public JdbcPoolReading(long size, long free, long active, long pending, long max) {
        this.size = size;
        this.free = free;
        this.active = active;
        this.pending = pending;
        this.max = max;
    }

    /** A pool that has not opened any connection yet. */
    static JdbcPoolReading notStarted(long max) {
        return new JdbcPoolReading(0, 0, 0, 0, max);
    }

    @Override
    public String toString() {
        return "size=" + size + " free=" + free + " active=" + active + " pending=" + pending + " max=" + max;
    }
}
