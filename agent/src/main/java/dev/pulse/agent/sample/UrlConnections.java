package dev.pulse.agent.sample;

import dev.pulse.agent.config.SqlGaugeConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The gauge's own connection to its {@code .url}: opened at the first read, kept between reads,
 * and replaced when a read fails on it and it no longer answers (the database restarted, the
 * network dropped it). One session per gauge, not one per read.
 */
final class UrlConnections implements ConnectionSource {

    /** Seconds a failed read's connection has to show it still answers. */
    static final int VALID_CHECK_SECONDS = 1;

    private final String url;
    private final Properties login = new Properties();
    /** Used by one read at a time, on the gauge's own thread. */
    private Connection kept;

    UrlConnections(SqlGaugeConfig config) {
        this.url = config.url().orElseThrow();
        config.user().ifPresent(user -> login.setProperty("user", user));
        config.password().ifPresent(password -> login.setProperty("password", password));
    }

    @Override
    public synchronized Connection borrow(long deadlineNanos) throws SQLException {
        if (kept != null) {
            if (!kept.isClosed()) {
                return kept;
            }
            kept = null;
        }
        kept = DriverManager.getConnection(url, login);
        return kept;
    }

    @Override
    public synchronized void giveBack(Connection connection, boolean failed) {
        if (!failed) {
            return;
        }
        boolean broken;
        try {
            broken = connection.isClosed() || !connection.isValid(VALID_CHECK_SECONDS);
        } catch (SQLException | RuntimeException e) {
            broken = true;
        }
        if (broken) {
            ConnectionSource.closeQuietly(connection);
            if (kept == connection) {
                kept = null;
            }
        }
    }
}
