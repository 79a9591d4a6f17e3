package dev.pulse.agent.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The {@code pulse.sql.<name>.*} keys of one SQL gauge, gathered before they are checked together. */
final class SqlSettings {

    static final List<String> ATTRIBUTES = List.of("query", "metric", "pool", "url", "user", "password", "timeout");
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private final String name;
    private final Map<String, Setting> settings = new LinkedHashMap<>();

    SqlSettings(String name) {
        this.name = name;
    }

    void put(String attribute, Setting setting) {
        settings.put(attribute, setting);
    }

    SqlGaugeConfig build() throws ConfigException {
        Setting query = settings.get("query");
        if (query == null || query.value().isEmpty()) {
            Setting any = query != null ? query : settings.values().iterator().next();
            throw new ConfigException(any.origin() + ": " + ConfigSources.SECTION_SQL + name
                    + ".query: expected an SQL query whose value column is the gauge, found none");
        }
        String metric = "pulse_sql_" + name;
        Setting metricSetting = settings.get("metric");
        if (metricSetting != null) {
            if (!METRIC.matcher(metricSetting.value()).matches()) {
                throw ConfigException.expected(metricSetting, "a Prometheus metric name such as pulse_jobs");
            }
            metric = metricSetting.value();
        }
        String clash = OwnMetrics.clash(metric);
        if (clash != null && metricSetting != null) {
            throw ConfigException.expected(metricSetting, "a metric name of its own, not " + clash);
        }
        if (clash != null) {
            throw new ConfigException(query.origin() + ": " + ConfigSources.SECTION_SQL + name + ".metric: expected"
                    + " a metric name of its own, not " + clash + ", found the default \"" + metric
                    + "\" of gauge \"" + name + "\"");
        }
        Setting url = settings.get("url");
        Setting pool = settings.get("pool");
        if (url != null && pool != null) {
            throw ConfigException.expected(pool, "either " + ConfigSources.SECTION_SQL + name + ".pool or "
                    + ConfigSources.SECTION_SQL + name + ".url, not both");
        }
        if (url != null && !url.value().startsWith("jdbc:")) {
            throw ConfigException.expected(url, "a JDBC URL such as jdbc:postgresql://db:5432/jobs");
        }
        String poolName = pool == null || pool.value().isEmpty() ? SqlGaugeConfig.ANY_POOL : pool.value();
        Duration timeout = settings.containsKey("timeout") ? Durations.parse(settings.get("timeout")) : DEFAULT_TIMEOUT;
        return new SqlGaugeConfig(name, query.value(), metric, metricSetting, poolName, url == null ? null : url.value(),
                valueOf("user"), valueOf("password"), timeout);
    }

    private String valueOf(String attribute) {
        Setting setting = settings.get(attribute);
        return setting == null ? null : setting.value();
    }
}
