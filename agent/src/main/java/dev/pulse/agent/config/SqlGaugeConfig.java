package dev.pulse.agent.config;

import java.time.Duration;
import java.util.Optional;

/**
 * {@code pulse.sql.<name>.*}: a query the sampler runs every interval. Its {@code value} column
 * is the gauge; every other column is a label.
 */
public final class SqlGaugeConfig {

    /** The pool name that means "whichever pool the agent found". */
    public static final String ANY_POOL = "auto";

    private final String name;
    private final String query;
    private final String metric;
    /** Where {@link #metric} was set; null for the default. */
    private final Setting metricSetting;
    private final String pool;
    private final String url;
    private final String user;
    private final String password;
    private final Duration timeout;

    SqlGaugeConfig(String name, String query, String metric, Setting metricSetting, String pool, String url, String user, String password,
            Duration timeout) {
        this.name = name;
        this.query = query;
        this.metric = metric;
        this.metricSetting = metricSetting;
        this.pool = pool;
        this.url = url;
        this.user = user;
        this.password = password;
        this.timeout = timeout;
    }

    public String name() {
        return name;
    }

    public String query() {
        return query;
    }

    /** The metric name, without a suffix: a gauge. */
    public String metric() {
        return metric;
    }

    /** Where the metric name was set, or null for the default. */
    Setting metricSetting() {
        return metricSetting;
    }

    /** The discovered pool to borrow a connection from: a pool name or {@link #ANY_POOL}. */
    public String pool() {
        return pool;
    }

    /** A JDBC URL to connect to instead of a pool. */
    public Optional<String> url() {
        return Optional.ofNullable(url);
    }

    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /** Bounds the query and, for a URL, the login. */
    public Duration timeout() {
        return timeout;
    }

    @Override
    public String toString() {
        return name + "=" + metric + " <- " + (url != null ? url : "pool " + pool);
    }
}
