package dev.pulse.agent.sample;

import dev.pulse.agent.config.SqlGaugeConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;

/** Where an SQL gauge gets its connection: a pool the agent found, or a JDBC URL of its own. */
interface ConnectionSource {

    Connection open() throws SQLException;

    static ConnectionSource of(SqlGaugeConfig config, PoolLookup pools) {
        if (config.url().isPresent()) {
            String url = config.url().get();
            Properties login = new Properties();
            config.user().ifPresent(user -> login.setProperty("user", user));
            config.password().ifPresent(password -> login.setProperty("password", password));
            return () -> DriverManager.getConnection(url, login);
        }
        return () -> {
            DataSource pool = pools.find(config.pool());
            if (pool == null) {
                throw new SQLException(SqlGaugeConfig.ANY_POOL.equals(config.pool())
                        ? "no connection pool found in this service yet"
                        : "no connection pool named \"" + config.pool() + "\" found in this service yet");
            }
            if (!pools.canLend(config.pool())) {
                throw new SQLException("pool \"" + config.pool() + "\" had no idle connection and no room for one"
                        + " at the last sample; skipped, so the service's own work gets its connections first");
            }
            return pool.getConnection();
        };
    }
}
