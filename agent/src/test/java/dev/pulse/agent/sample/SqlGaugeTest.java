package dev.pulse.agent.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.agent.config.PulseConfig;
import dev.pulse.agent.config.SqlGaugeConfig;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlGaugeTest {

    private static final String URL = "jdbc:h2:mem:sqlgauge;DB_CLOSE_DELAY=-1";
    private final List<String> errors = new ArrayList<>();
    private final List<String> overflows = new ArrayList<>();
    private int maxSeries = 2000;

    @BeforeAll
    static void table() throws SQLException {
        try (Connection connection = DriverManager.getConnection(URL); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE jobs(id INT PRIMARY KEY, status VARCHAR(16), kind VARCHAR(16))");
            statement.execute("INSERT INTO jobs VALUES (1, 'ready', 'email'), (2, 'ready', 'email'),"
                    + " (3, 'done', 'report'), (4, 'failed', NULL)");
        }
    }

    @Test
    void labelColumnsBecomeLabelsAndValueTheGauge() throws Exception {
        String text = run("SELECT status, COUNT(*) AS \"value\" FROM jobs GROUP BY status");
        assertTrue(text.contains("# TYPE pulse_jobs gauge"), text);
        assertTrue(text.contains("pulse_jobs{service=\"svc\",status=\"ready\"} 2.0"), text);
        assertTrue(text.contains("pulse_jobs{service=\"svc\",status=\"done\"} 1.0"), text);
        assertTrue(text.contains("pulse_jobs{service=\"svc\",status=\"failed\"} 1.0"), text);
        assertTrue(errors.isEmpty(), errors::toString);
    }

    @Test
    void upperCaseColumnsAndNullLabels() throws Exception {
        String text = run("SELECT kind, COUNT(*) AS \"VALUE\" FROM jobs WHERE status <> 'done' GROUP BY kind");
        assertTrue(text.contains("pulse_jobs{kind=\"email\",service=\"svc\"} 2.0"), text);
        assertTrue(text.contains("pulse_jobs{kind=\"\",service=\"svc\"} 1.0"), text);
    }

    @Test
    void labelSetsBeyondTheCapFoldIntoOneOtherSeriesAndAreCounted() throws Exception {
        maxSeries = 3;
        String text = run("SELECT id AS job, 1 AS \"value\" FROM jobs ORDER BY id");
        assertTrue(text.contains("pulse_jobs{job=\"1\",service=\"svc\"} 1.0"), text);
        assertTrue(text.contains("pulse_jobs{job=\"2\",service=\"svc\"} 1.0"), text);
        assertTrue(text.contains("pulse_jobs{job=\"other\",service=\"svc\"} 2.0"), text);
        assertEquals(3, text.lines().filter(line -> line.startsWith("pulse_jobs{")).count(), text);
        assertEquals(List.of("pulse_jobs=2"), overflows);
    }

    @Test
    void rowsWithTheSameLabelsAreAddedUp() throws Exception {
        String text = run("SELECT status, 1 AS \"value\" FROM jobs");
        assertTrue(text.contains("pulse_jobs{service=\"svc\",status=\"ready\"} 2.0"), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"email", "user_name", "session_id", "api_token", "client_ip", "emailaddress"})
    void aLabelColumnNamedLikePersonalDataFailsTheQuery(String column) {
        SQLException error = assertThrows(SQLException.class,
                () -> run("SELECT kind AS " + column + ", COUNT(*) AS \"value\" FROM jobs GROUP BY kind"));
        assertTrue(error.getMessage().startsWith("column \"" + column + "\" cannot be a label: \""), error.getMessage());
        assertTrue(error.getMessage().endsWith("\" suggests personal data, which a metrics endpoint must not export"),
                error.getMessage());
    }

    @Test
    void aQueryWithoutValueColumnFails() {
        SQLException error = assertThrows(SQLException.class, () -> run("SELECT status FROM jobs"));
        assertEquals("the query has no column named value", error.getMessage());
    }

    @Test
    void aPoolThatIsNotThereIsNoFailureDuringTheStartUpGraceAndThenNamesThePoolsFound() throws Exception {
        PoolLookup lookup = new PoolLookup() {
            @Override
            public javax.sql.DataSource find(String name) {
                return null;
            }

            @Override
            public List<String> names() {
                return List.of("runs-db", "audit-db");
            }
        };
        SqlGauge starting = gauge("SELECT 1 AS \"value\"", "pulse.sql.g.pool=run-db", lookup, 60_000);
        starting.run((source, message) -> errors.add(message));
        assertEquals(SqlGauge.UNKNOWN, starting.up(), "not read, not down");
        SqlGauge late = gauge("SELECT 1 AS \"value\"", "pulse.sql.g.pool=run-db", lookup, 0);
        SQLException error = assertThrows(SQLException.class, () -> late.run((source, message) -> { }));
        assertEquals("no connection pool named \"run-db\" in this service; pools found: \"runs-db\", \"audit-db\"",
                error.getMessage());
        assertEquals(0, late.up());
        assertTrue(errors.isEmpty(), errors::toString);
    }

    @Test
    void aFailedReadLeavesNoValueAndTheGaugeDown() throws Exception {
        SqlGauge gauge = gauge("SELECT status, COUNT(*) AS \"value\" FROM jobs GROUP BY status", "pulse.sql.g.url=" + URL,
                PoolLookup.NONE, 0);
        gauge.run((source, message) -> { });
        assertEquals(1, gauge.up());
        assertEquals(3, gauge.collect().getDataPoints().size());
        double success = gauge.lastSuccessSeconds();
        assertTrue(Math.abs(success - System.currentTimeMillis() / 1000.0) < 60, "last success " + success);
        gauge.expired();
        assertEquals(0, gauge.up());
        assertTrue(gauge.collect().getDataPoints().isEmpty(), "an expired read leaves no stale value");
        assertEquals(success, gauge.lastSuccessSeconds());
    }

    private String run(String query) throws Exception {
        SqlGauge gauge = gauge(query, "pulse.sql.g.url=" + URL, PoolLookup.NONE, 0);
        assertTrue(gauge.collect().getDataPoints().isEmpty(), "nothing before the first read");
        gauge.run((source, message) -> errors.add(source + ": " + message));
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(gauge);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    private SqlGauge gauge(String query, String where, PoolLookup pools, long graceMillis) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("pulse.sql.g.query", query);
        properties.setProperty("pulse.sql.g.metric", "pulse_jobs");
        properties.setProperty(where.substring(0, where.indexOf('=')), where.substring(where.indexOf('=') + 1));
        SqlGaugeConfig config = PulseConfig.from(properties, "test").sqlGauges().get(0);
        return new SqlGauge(config, ConnectionSource.of(config, pools,
                System.nanoTime() + graceMillis * 1_000_000), Labels.of("service", "svc"), maxSeries,
                (metric, count) -> overflows.add(metric + "=" + count));
    }
}
