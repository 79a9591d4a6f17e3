package dev.pulse.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputSettingsTest {

    @TempDir
    Path folder;

    @Test
    void noOutputByDefault() throws Exception {
        assertFalse(PulseConfig.from(new Properties(), "test").outputs().any());
    }

    @Test
    void influx1WithDatabaseUserAndPassword() throws Exception {
        OutputConfig.Influx influx = config("pulse.influx.url", "http://127.0.0.1:8086/", "pulse.influx.db", "metrics",
                "pulse.influx.user", "writer", "pulse.influx.password", "s3cret").outputs().influx();
        assertEquals("http://127.0.0.1:8086", influx.url().toString());
        assertEquals("metrics", influx.database());
        assertEquals("writer", influx.user());
        assertEquals("s3cret", influx.password());
        assertEquals(100_000, influx.bufferPoints());
        assertEquals(Duration.ofSeconds(5), influx.timeout());
    }

    @Test
    void influx2WithOrgBucketAndTokenFromTheEnvironment() throws Exception {
        Properties system = new Properties();
        system.setProperty("pulse.influx.url", "https://influx.example:8086");
        system.setProperty("pulse.influx.org", "acme");
        system.setProperty("pulse.influx.bucket", "jobs");
        system.setProperty("pulse.influx.buffer_points", "500");
        system.setProperty("pulse.influx.timeout", "2s");
        PulseConfig config = PulseConfig.from(ConfigSources.collect(null, system, Map.of("PULSE_INFLUX_TOKEN", "tok")),
                "svc");
        OutputConfig.Influx influx = config.outputs().influx();
        assertNull(influx.database());
        assertEquals("acme", influx.org());
        assertEquals("jobs", influx.bucket());
        assertEquals("tok", influx.token());
        assertEquals(500, influx.bufferPoints());
        assertEquals(Duration.ofSeconds(2), influx.timeout());
    }

    @Test
    void influxMistakesAreOneLineEachAndNeverShowASecret() {
        assertError("test: pulse.influx.url: expected pulse.influx.db (InfluxDB 1.x) or pulse.influx.org and"
                + " pulse.influx.bucket (2.x, 3.x) beside it, found neither", "pulse.influx.url", "http://h:8086");
        assertError("test: pulse.influx.db: expected pulse.influx.url beside it, found none", "pulse.influx.db", "m");
        assertError("test: pulse.influx.url: expected an http or https URL such as http://127.0.0.1:8086, found"
                + " \"influx:8086\"", "pulse.influx.url", "influx:8086", "pulse.influx.db", "m");
        assertError("test: pulse.influx.url: expected an http or https URL such as http://127.0.0.1:8086 without user"
                + " info; give credentials in their own keys", "pulse.influx.url", "http://u:secret@h:8086",
                "pulse.influx.db", "m");
        assertError("test: pulse.influx.bucket: expected either pulse.influx.db (InfluxDB 1.x) or pulse.influx.org and"
                + " pulse.influx.bucket (2.x, 3.x), found both", "pulse.influx.url", "http://h:8086", "pulse.influx.db",
                "m", "pulse.influx.bucket", "b");
        assertError("test: pulse.influx.org: expected it beside pulse.influx.bucket, found none", "pulse.influx.url",
                "http://h:8086", "pulse.influx.bucket", "b");
        assertError("test: pulse.influx.token: is for InfluxDB 2.x and 3.x, with pulse.influx.org and pulse.influx.bucket;"
                + " remove it or configure that version", "pulse.influx.url", "http://h:8086", "pulse.influx.db", "m",
                "pulse.influx.token", "secret-token");
        assertError("test: pulse.influx.password: is for InfluxDB 1.x, with pulse.influx.db; remove it or configure"
                + " that version", "pulse.influx.url", "http://h:8086", "pulse.influx.org", "o", "pulse.influx.bucket",
                "b", "pulse.influx.password", "secret");
        assertError("test: pulse.influx.buffer_points: expected a number of points 1..10000000, found \"0\"",
                "pulse.influx.url", "http://h:8086", "pulse.influx.db", "m", "pulse.influx.buffer_points", "0");
    }

    @Test
    void textfileMustBeAPromFileInAFolderThatExists() throws Exception {
        Path file = folder.resolve("jobs.prom");
        assertEquals(file, config("pulse.textfile.path", file.toString()).outputs().textfile());
        assertError("test: pulse.textfile.path: expected a file name ending in .prom, which node_exporter's textfile"
                + " collector reads, found \"" + folder.resolve("jobs.txt") + "\"", "pulse.textfile.path",
                folder.resolve("jobs.txt").toString());
        assertError("test: pulse.textfile.path: expected a file in an existing folder the service can write"
                + " (node_exporter's --collector.textfile.directory), found \"" + folder.resolve("no/jobs.prom") + "\"",
                "pulse.textfile.path", folder.resolve("no/jobs.prom").toString());
    }

    @Test
    void pushgatewayJobDefaultsToTheService() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("pulse.service", "nightly-import");
        properties.setProperty("pulse.pushgateway.url", "http://127.0.0.1:9091");
        OutputConfig.Pushgateway pushgateway = PulseConfig.from(properties, "test").outputs().pushgateway();
        assertEquals("nightly-import", pushgateway.job());
        assertEquals("batch", config("pulse.pushgateway.url", "http://127.0.0.1:9091", "pulse.pushgateway.job",
                "batch").outputs().pushgateway().job());
        assertError("test: pulse.pushgateway.job: expected pulse.pushgateway.url beside it, found none",
                "pulse.pushgateway.job", "batch");
        assertError("test: pulse.pushgateway.job: expected a job name without /, found \"a/b\"",
                "pulse.pushgateway.url", "http://127.0.0.1:9091", "pulse.pushgateway.job", "a/b");
        assertTrue(config("pulse.pushgateway.url", "http://127.0.0.1:9091").outputs().any());
    }

    private static PulseConfig config(String... keysAndValues) throws ConfigException {
        Properties properties = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return PulseConfig.from(properties, "test");
    }

    private static void assertError(String expected, String... keysAndValues) {
        ConfigException error = assertThrows(ConfigException.class, () -> config(keysAndValues));
        assertEquals(expected, error.getMessage());
        assertFalse(error.getMessage().contains("secret"), "no secret in " + error.getMessage());
    }
}
