package dev.pulse.agent.sample;

import dev.pulse.agent.config.SqlGaugeConfig;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * A connection borrowed from one of the service's pools for one read, and given back after it.
 * HikariCP's own bounded borrow ({@code HikariPool.getConnection(timeoutMs)}) waits no longer
 * than the gauge's deadline, not the pool's {@code connectionTimeout}; other kinds wait their own
 * maximum, on the gauge's own thread, which nothing else waits for.
 */
final class PoolConnections implements ConnectionSource {

    static final String HIKARI = "com.zaxxer.hikari.HikariDataSource";

    private final SqlGaugeConfig config;
    private final PoolLookup pools;
    private final long startupGraceEndNanos;

    PoolConnections(SqlGaugeConfig config, PoolLookup pools, long startupGraceEndNanos) {
        this.config = config;
        this.pools = pools;
        this.startupGraceEndNanos = startupGraceEndNanos;
    }

    @Override
    public Connection borrow(long deadlineNanos) throws SQLException {
        DataSource pool = pools.find(config.pool());
        if (pool == null) {
            if (System.nanoTime() - startupGraceEndNanos < 0) {
                throw new NotYet();
            }
            throw new SQLException(missing());
        }
        if (!pools.canLend(config.pool())) {
            throw new SQLException("pool \"" + config.pool() + "\" had no idle connection and no room for one"
                    + " at the last sample; skipped, so the service's own work gets its connections first");
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (millis <= 0) {
            throw new SQLTimeoutException("no time left to borrow a connection");
        }
        Object hikariPool = hikariPool(pool);
        return hikariPool != null ? boundedBorrow(hikariPool, millis) : pool.getConnection();
    }

    @Override
    public void giveBack(Connection connection, boolean failed) {
        ConnectionSource.closeQuietly(connection);
    }

    private String missing() {
        List<String> found = pools.names();
        String names = found.isEmpty() ? "none" : found.stream().map(name -> "\"" + name + "\"")
                .collect(Collectors.joining(", "));
        return (SqlGaugeConfig.ANY_POOL.equals(config.pool()) ? "no connection pool found in this service"
                : "no connection pool named \"" + config.pool() + "\" in this service") + "; pools found: " + names;
    }

    /** The started pool behind a HikariDataSource, or null: asking for it never starts one. */
    private static Object hikariPool(DataSource pool) {
        for (Class<?> type = pool.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals(HIKARI)) {
                try {
                    return type.getMethod("getHikariPoolMXBean").invoke(pool);
                } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static Connection boundedBorrow(Object hikariPool, long millis) throws SQLException {
        Method borrow;
        try {
            borrow = hikariPool.getClass().getMethod("getConnection", long.class);
        } catch (NoSuchMethodException e) {
            throw new SQLException("this HikariCP has no getConnection(timeout): " + e.getMessage());
        }
        try {
            return (Connection) borrow.invoke(hikariPool, millis);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException) {
                throw (SQLException) cause;
            }
            throw new SQLException(String.valueOf(cause), cause);
        } catch (IllegalAccessException e) {
            throw new SQLException(String.valueOf(e), e);
        }
    }
}
