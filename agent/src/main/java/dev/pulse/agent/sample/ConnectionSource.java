package dev.pulse.agent.sample;

import dev.pulse.agent.config.SqlGaugeConfig;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where an SQL gauge gets its connection: a pool of the service ({@link PoolConnections}) or a
 * JDBC URL of its own ({@link UrlConnections}). Used by one run at a time.
 */
interface ConnectionSource {

    /**
     * A connection for one read, waited for at most until {@code deadlineNanos}
     * ({@link System#nanoTime()}) where the source can bound it.
     *
     * @throws NotYet when the pool is not there yet but may still come: not a failure
     * @throws SQLException when there is no connection to be had
     */
    Connection borrow(long deadlineNanos) throws SQLException;

    /** Gives back what {@link #borrow} gave, after a read that {@code failed} or not. Never throws. */
    void giveBack(Connection connection, boolean failed);

    static ConnectionSource of(SqlGaugeConfig config, PoolLookup pools, long startupGraceEndNanos) {
        return config.url().isPresent() ? new UrlConnections(config) : new PoolConnections(config, pools,
                startupGraceEndNanos);
    }

    /** Closes {@code connection}, swallowing what its driver throws. */
    static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException | RuntimeException ignored) {
            // a connection that cannot close is broken already; nothing more to do
        }
    }

    /** The gauge's pool is not there yet, while the service may still be starting: no read, no failure. */
    final class NotYet extends SQLException {
        private static final long serialVersionUID = 1L;

        NotYet() {
            super("not there yet");
        }
    }
}
