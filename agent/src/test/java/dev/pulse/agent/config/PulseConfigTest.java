package dev.pulse.agent.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PulseConfigTest {

    @TempDir
    Path folder;

    @Test
    void defaultsWithoutAnyFile() throws Exception {
        PulseConfig config = load(null, new Properties(), Map.of());
        assertTrue(config.enabled());
        assertEquals("0.0.0.0", config.httpHost());
        assertEquals(9464, config.httpPort());
        assertEquals(Duration.ofSeconds(5), config.sampleInterval());
        assertArrayEquals(PulseConfig.DEFAULT_BUCKETS, config.buckets());
        assertTrue(config.timers().isEmpty());
        assertTrue(config.queues().isEmpty());
    }

    @Test
    void readsEveryKeyFromTheFile() throws Exception {
        Path file = write("# a comment\n"
                + "pulse.service=jobs-worker\n"
                + "pulse.http.host=127.0.0.1\n"
                + "pulse.http.port=9500\n"
                + "pulse.sample.interval=250ms\n"
                + "pulse.timer.buckets=0.1, 1, 10\n"
                + "pulse.timer.evaluation_cycle=com.acme.Evaluator#evaluateOnce\n"
                + "pulse.timer.delivery_attempt=com.acme.delivery.Worker+#process*, retry\n"
                + "pulse.queue.pending_jobs=com.acme.JobWorker#jobs\n");
        PulseConfig config = load(file.toString(), new Properties(), Map.of());
        assertEquals("jobs-worker", config.service());
        assertEquals("127.0.0.1", config.httpHost());
        assertEquals(9500, config.httpPort());
        assertEquals(Duration.ofMillis(250), config.sampleInterval());
        assertArrayEquals(new double[] {0.1, 1, 10}, config.buckets());
        assertEquals(2, config.timers().size());
        TimerConfig delivery = config.timers().get(1);
        assertEquals("delivery_attempt", delivery.operation());
        assertTrue(delivery.type().subtypes());
        assertEquals("com.acme.delivery.Worker", delivery.type().name().text());
        assertEquals(2, delivery.methods().size());
        assertTrue(delivery.methods().get(0).name().matches("processBatch"));
        assertFalse(delivery.methods().get(0).name().matches("reprocess"));
        QueueConfig queue = config.queues().get(0);
        assertEquals("pending_jobs", queue.name());
        assertEquals("com.acme.JobWorker", queue.className());
        assertEquals("jobs", queue.field());
    }

    @Test
    void systemPropertiesOverrideTheFileAndEnvironmentOverridesBoth() throws Exception {
        Path file = write("pulse.http.port=9500\npulse.service=from-file\npulse.timer.cycle=a.B#run\n");
        Properties system = new Properties();
        system.setProperty("pulse.http.port", "9501");
        system.setProperty("pulse.service", "from-system");
        system.setProperty("unrelated.key", "x");
        Map<String, String> environment = Map.of(
                "PULSE_HTTP_PORT", "9502",
                "PULSE_TIMER_CYCLE", "a.C#run",
                "PULSE_QUEUE_OUTBOX", "a.Outbox#QUEUE",
                "PULSE_SERVER", "unix:/run/pulse/native",
                "PATH", "/usr/bin");
        PulseConfig config = load(file.toString(), system, environment);
        assertEquals(9502, config.httpPort());
        assertEquals("from-system", config.service());
        assertEquals("a.C", config.timers().get(0).type().name().text());
        assertEquals("outbox", config.queues().get(0).name());
    }

    @Test
    void anEnvironmentVariableOverridesAKeyWithUnderscoresInItsName() throws Exception {
        Path file = write("pulse.timer.evaluation_cycle=a.B#run\n");
        PulseConfig config = load(file.toString(), new Properties(),
                Map.of("PULSE_TIMER_EVALUATION_CYCLE", "a.B#evaluate"));
        assertEquals(1, config.timers().size());
        assertEquals("evaluation_cycle", config.timers().get(0).operation());
        assertEquals("evaluate", config.timers().get(0).methods().get(0).name().text());
    }

    @Test
    void disabled() throws Exception {
        assertFalse(load(write("pulse.enabled=FALSE\n").toString(), new Properties(), Map.of()).enabled());
    }

    @Test
    void continuationLinesReportTheirFirstLine() throws Exception {
        Path file = write("pulse.service=a\n\npulse.timer.cycle=a.B#run,\\\n    stop\npulse.http.port=x\n");
        ConfigException error = assertThrows(ConfigException.class,
                () -> load(file.toString(), new Properties(), Map.of()));
        assertEquals(file + ":5: pulse.http.port: expected 0..65535, found \"x\"", error.getMessage());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "pulse.http.port|99999|expected 0..65535, found \"99999\"",
        "pulse.http.port|abc|expected 0..65535, found \"abc\"",
        "pulse.http.port|-1|expected 0..65535, found \"-1\"",
        "pulse.http.port|70000|expected 0..65535, found \"70000\"",
        "pulse.enabled|yes|expected true or false, found \"yes\"",
        "pulse.sample.interval|0|expected a positive duration such as 500ms, 5s or 1m, found \"0\"",
        "pulse.sample.interval|0s|expected a positive duration such as 500ms, 5s or 1m, found \"0s\"",
        "pulse.sample.interval|5000|expected a positive duration such as 500ms, 5s or 1m, found \"5000\"",
        "pulse.sample.interval|5h|expected a positive duration such as 500ms, 5s or 1m, found \"5h\"",
        "pulse.timer.buckets|1,0.5|expected increasing positive numbers separated by commas, such as 0.01,0.1,1,10, found \"1,0.5\"",
        "pulse.timer.buckets|a|expected increasing positive numbers separated by commas, such as 0.01,0.1,1,10, found \"a\"",
        "pulse.timer.cycle|com.acme.Worker|expected <class pattern>#<method pattern>[,<method pattern>...] such as com.acme.*Worker#process*, found \"com.acme.Worker\"",
        "pulse.timer.cycle|com.acme.Worker#|expected <class pattern>#<method pattern>[,<method pattern>...] such as com.acme.*Worker#process*, found \"com.acme.Worker#\"",
        "pulse.timer.cycle|com.acme.Worker#run,|expected <class pattern>#<method pattern>[,<method pattern>...] such as com.acme.*Worker#process*, found \"com.acme.Worker#run,\"",
        "pulse.timer.cycle|com..Worker#run|expected <class pattern>#<method pattern>[,<method pattern>...] such as com.acme.*Worker#process*"
            + " (Name+ takes an exact class name), found \"com..Worker#run\"",
        "pulse.timer.cycle|com.acme.*+#run|expected <class pattern>#<method pattern>[,<method pattern>...] such as com.acme.*Worker#process*"
            + " (Name+ takes an exact class name), found \"com.acme.*+#run\"",
        "pulse.timer.cycle|a.B#run(int|expected a method's parameter list of type names, * (any one) or a final .. (any more),"
            + " such as service(jakarta.servlet.http.HttpServletRequest,*), found \"a.B#run(int\"",
        "pulse.timer.cycle|a.B#run(..,int)|expected a method's parameter list of type names, * (any one) or a final .. (any more),"
            + " such as service(jakarta.servlet.http.HttpServletRequest,*), found \"a.B#run(..,int)\"",
        "pulse.timer.cycle|a.B#run(int,)|expected a method's parameter list of type names, * (any one) or a final .. (any more),"
            + " such as service(jakarta.servlet.http.HttpServletRequest,*), found \"a.B#run(int,)\"",
        "pulse.timer.cycle|a.B#run(java.util.List<String>)|expected a method's parameter list of type names, * (any one) or a final .. (any more),"
            + " such as service(jakarta.servlet.http.HttpServletRequest,*), found \"a.B#run(java.util.List<String>)\"",
        "pulse.timer.cycle|a.B#(int)|expected <class pattern>#<method pattern>[,<method pattern>...] such as com.acme.*Worker#process*, found \"a.B#(int)\"",
        "pulse.pools|off|expected auto or none, found \"off\"",
        "pulse.pools.exclude|jdk:*,,x|expected pool or executor names separated by commas, * for any characters,"
            + " such as jdk:*,HikariPool-*, found \"jdk:*,,x\"",
        "pulse.queue.jobs|a.B|expected <class>#<field> such as com.acme.JobWorker#jobs, found \"a.B\"",
        "pulse.queue.jobs|a.B*#jobs|expected <class>#<field> such as com.acme.JobWorker#jobs, found \"a.B*#jobs\"",
    })
    void badValuesNameTheKeyWhatWasExpectedAndWhatWasFound(String key, String value, String expected)
            throws Exception {
        Path file = write("pulse.service=test\n" + key + "=" + value + "\n");
        ConfigException error = assertThrows(ConfigException.class,
                () -> load(file.toString(), new Properties(), Map.of()));
        assertEquals(file + ":2: " + key + ": " + expected, error.getMessage());
    }

    @Test
    void methodPatternsMayNameParameterTypesAndCommasInsideThemDoNotSplitPatterns() throws Exception {
        Path file = write("pulse.timer.requests=jakarta.servlet.http.HttpServlet+#service(jakarta.servlet.http.HttpServletRequest, *),"
                + " do*(), log(String...,..), any\n");
        List<MethodPattern> methods = load(file.toString(), new Properties(), Map.of()).timers().get(0).methods();
        assertEquals(4, methods.size());
        assertEquals("service(jakarta.servlet.http.HttpServletRequest,*)", methods.get(0).toString());
        assertEquals(List.of("jakarta.servlet.http.HttpServletRequest", "*"), methods.get(0).parameters().get());
        assertFalse(methods.get(0).anyRest());
        assertEquals(List.of(), methods.get(1).parameters().get());
        assertEquals(List.of("String[]"), methods.get(2).parameters().get());
        assertTrue(methods.get(2).anyRest());
        assertTrue(methods.get(3).parameters().isEmpty());
    }

    @Test
    void parameterPatternsMatchFullyQualifiedOrSimpleNamesAndArrays() {
        assertTrue(MethodPattern.parameterMatches("*", "int[]"));
        assertTrue(MethodPattern.parameterMatches("java.lang.String", "java.lang.String"));
        assertTrue(MethodPattern.parameterMatches("String", "java.lang.String"));
        assertFalse(MethodPattern.parameterMatches("java.lang.String", "java.lang.StringBuilder"));
        assertFalse(MethodPattern.parameterMatches("lang.String", "java.lang.String"));
        assertTrue(MethodPattern.parameterMatches("byte[]", "byte[]"));
        assertFalse(MethodPattern.parameterMatches("byte", "byte[]"));
        assertFalse(MethodPattern.parameterMatches("byte[]", "byte"));
        assertTrue(MethodPattern.parameterMatches("java.util.Map.Entry", "java.util.Map$Entry"));
        assertTrue(MethodPattern.parameterMatches("java.util.Map$Entry", "java.util.Map$Entry"));
        assertTrue(MethodPattern.parameterMatches("Entry", "java.util.Map$Entry"));
        assertTrue(MethodPattern.parameterMatches("Map$Entry", "java.util.Map$Entry"));
        assertFalse(MethodPattern.parameterMatches("Map", "java.util.Map$Entry"));
    }

    @Test
    void stallThresholdsAndSqlGauges() throws Exception {
        Path file = write("pulse.timer.loop.stall=30s\n"
                + "pulse.timer.loop=a.Worker#runOnce\n"
                + "pulse.timer.other=a.Worker#other\n"
                + "pulse.sql.jobs_by_status.query=SELECT status, COUNT(*) AS value FROM jobs GROUP BY status\n"
                + "pulse.sql.jobs_by_status.metric=pulse_jobs\n"
                + "pulse.sql.jobs_by_status.pool=main-db\n"
                + "pulse.sql.lag.query=SELECT 1 AS value\n"
                + "pulse.sql.lag.url=jdbc:h2:mem:x\n"
                + "pulse.sql.lag.user=sa\n"
                + "pulse.sql.lag.timeout=2s\n");
        PulseConfig config = load(file.toString(), new Properties(),
                Map.of("PULSE_TIMER_OTHER_STALL", "1m", "PULSE_SQL_LAG_PASSWORD", "secret"));
        assertEquals(Duration.ofSeconds(30), config.timers().get(0).stall().get());
        assertEquals(Duration.ofMinutes(1), config.timers().get(1).stall().get());
        SqlGaugeConfig byStatus = config.sqlGauges().get(0);
        assertEquals("pulse_jobs", byStatus.metric());
        assertEquals("main-db", byStatus.pool());
        assertFalse(byStatus.url().isPresent());
        assertEquals(Duration.ofSeconds(5), byStatus.timeout());
        SqlGaugeConfig lag = config.sqlGauges().get(1);
        assertEquals("pulse_sql_lag", lag.metric());
        assertEquals("jdbc:h2:mem:x", lag.url().get());
        assertEquals("sa", lag.user().get());
        assertEquals("secret", lag.password().get());
        assertEquals(Duration.ofSeconds(2), lag.timeout());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "pulse.timer.nope.stall=5s|:1: pulse.timer.nope.stall: expected a configured timer pulse.timer.nope, found none",
        "pulse.timer.loop.stall=soon|:1: pulse.timer.loop.stall: expected a positive duration such as 500ms, 5s or 1m,"
            + " found \"soon\"",
        "pulse.timer.loop.slow=5s|:1: pulse.timer.loop.slow: expected an operation name of letters, digits and _"
            + " after pulse.timer., found \"loop.slow\"",
        "pulse.sql.jobs.metric=pulse_jobs|:1: pulse.sql.jobs.query: expected an SQL query whose value column is the"
            + " gauge, found none",
        "pulse.sql.jobs.querry=SELECT 1|:1: pulse.sql.jobs.querry: unknown key; known keys are",
        "pulse.sql.jobs.query=SELECT 1 AS value~pulse.sql.jobs.metric=bad-name|:2: pulse.sql.jobs.metric: expected a"
            + " Prometheus metric name such as pulse_jobs, found \"bad-name\"",
        "pulse.sql.jobs.query=SELECT 1 AS value~pulse.sql.jobs.url=postgres://x|:2: pulse.sql.jobs.url: expected a"
            + " JDBC URL such as jdbc:postgresql://db:5432/jobs, found \"postgres://x\"",
        "pulse.sql.jobs.query=SELECT 1 AS value~pulse.sql.jobs.url=jdbc:h2:mem:x~pulse.sql.jobs.pool=db|:3:"
            + " pulse.sql.jobs.pool: expected either pulse.sql.jobs.pool or pulse.sql.jobs.url, not both, found \"db\"",
        "pulse.sql.a.query=SELECT 1 AS value~pulse.sql.a.metric=pulse_processing_duration_seconds|:2: pulse.sql.a.metric:"
            + " expected a metric name of its own, not Pulse's pulse_processing_duration_seconds (a histogram), found"
            + " \"pulse_processing_duration_seconds\"",
        "pulse.sql.a.query=SELECT 1 AS value~pulse.sql.a.metric=pulse_db_pool_size|:2: pulse.sql.a.metric: expected a"
            + " metric name of its own, not Pulse's pulse_db_pool_size (a gauge), found \"pulse_db_pool_size\"",
        "pulse.sql.a.query=SELECT 1 AS value~pulse.sql.a.metric=pulse_db_pool_acquire_duration_seconds_bucket|:2:"
            + " pulse.sql.a.metric: expected a metric name of its own, not Pulse's"
            + " pulse_db_pool_acquire_duration_seconds (a histogram), found"
            + " \"pulse_db_pool_acquire_duration_seconds_bucket\"",
        "pulse.sql.a.query=SELECT 1 AS value~pulse.sql.a.metric=pulse_sampler_errors_total|:2: pulse.sql.a.metric:"
            + " expected a metric name of its own, not Pulse's pulse_sampler_errors (a counter), found"
            + " \"pulse_sampler_errors_total\"",
        "pulse.sql.a.query=SELECT 1 AS value~pulse.sql.a.metric=jvm_memory_used_bytes|:2: pulse.sql.a.metric: expected"
            + " a metric name of its own, not the JVM's jvm_* families, found \"jvm_memory_used_bytes\"",
        "pulse.sql.up.query=SELECT 1 AS value|:1: pulse.sql.up.metric: expected a metric name of its own, not Pulse's"
            + " pulse_sql_up (a gauge), found the default \"pulse_sql_up\" of gauge \"up\"",
        "pulse.sql.a.query=SELECT 1 AS value~pulse.sql.a.metric=pulse_jobs~pulse.sql.b.query=SELECT 2 AS value"
            + "~pulse.sql.b.metric=pulse_jobs|:4: pulse.sql.b.metric: expected a metric no other SQL gauge exports,"
            + " found \"pulse_jobs\", the metric of pulse.sql.a",
    })
    void stallAndSqlErrors(String lines, String expected) throws Exception {
        Path file = write(lines.replace('~', '\n') + "\npulse.timer.loop=a.B#run\n");
        ConfigException error = assertThrows(ConfigException.class,
                () -> load(file.toString(), new Properties(), Map.of()));
        assertTrue(error.getMessage().startsWith(file + expected), error.getMessage());
    }

    @Test
    void historyKeepsAnHourUnlessToldOtherwise() throws Exception {
        assertEquals(java.time.Duration.ofHours(1), PulseConfig.from(new Properties(), "test").historyDuration());
        Properties properties = new Properties();
        properties.setProperty("pulse.history.duration", "15m");
        assertEquals(java.time.Duration.ofMinutes(15), PulseConfig.from(properties, "test").historyDuration());
        properties.setProperty("pulse.history.duration", "0");
        assertTrue(PulseConfig.from(properties, "test").historyDuration().isZero());
        properties.setProperty("pulse.history.duration", "25h");
        ConfigException error = assertThrows(ConfigException.class, () -> PulseConfig.from(properties, "test"));
        assertEquals("test: pulse.history.duration: expected a duration up to 24h such as 15m or 1h, or 0 for none,"
                + " found \"25h\"", error.getMessage());
    }

    @Test
    void jvmMetricsAreOnUnlessTurnedOff() throws Exception {
        assertTrue(PulseConfig.from(new Properties(), "test").jvm());
        Properties properties = new Properties();
        properties.setProperty("pulse.jvm", "false");
        assertFalse(PulseConfig.from(properties, "test").jvm());
        properties.setProperty("pulse.jvm", "off");
        ConfigException error = assertThrows(ConfigException.class, () -> PulseConfig.from(properties, "test"));
        assertEquals("test: pulse.jvm: expected true or false, found \"off\"", error.getMessage());
    }

    @Test
    void poolsAreFoundUnlessTurnedOffAndExclusionsMatchWholeNames() throws Exception {
        assertTrue(PulseConfig.from(new Properties(), "test").pools());
        Properties properties = new Properties();
        properties.setProperty("pulse.pools", "NONE");
        properties.setProperty("pulse.pools.exclude", "jdk:*, orders.db ,*#2");
        PulseConfig config = PulseConfig.from(properties, "test");
        assertFalse(config.pools());
        assertTrue(config.poolExcluded("jdk:common-pool"));
        assertTrue(config.poolExcluded("orders.db"));
        assertTrue(config.poolExcluded("delivery#2"));
        assertFalse(config.poolExcluded("ordersXdb"), "a dot is a dot, not any character");
        assertFalse(config.poolExcluded("my jdk:pool"));
        assertFalse(PulseConfig.from(new Properties(), "test").poolExcluded("jdk:common-pool"));
    }

    @Test
    void unknownKeyIsATypo() throws Exception {
        Path file = write("pulse.htpp.port=9000\n");
        ConfigException error = assertThrows(ConfigException.class,
                () -> load(file.toString(), new Properties(), Map.of()));
        assertEquals(file + ":1: pulse.htpp.port: unknown key; known keys are pulse.enabled, pulse.service,"
                + " pulse.http.host, pulse.http.port, pulse.http.auth.user, pulse.http.auth.password_hash,"
                + " pulse.http.tls.keystore, pulse.http.tls.keystore_password, pulse.http.tls.keystore_type,"
                + " pulse.sample.interval, pulse.timer.buckets, pulse.metrics.max_series, pulse.pools,"
                + " pulse.pools.exclude, pulse.jvm, pulse.history.duration, pulse.timer.<operation>,"
                + " pulse.timer.<operation>.stall, pulse.queue.<name>,"
                + " pulse.sql.<name>.query|metric|pool|url|user|password|timeout,"
                + " pulse.influx.url|db|user|password|org|bucket|token|buffer_points|timeout, pulse.textfile.path,"
                + " pulse.pushgateway.url|job", error.getMessage());
    }

    @Test
    void aLineWithoutEqualsIsAnUnknownKey() throws Exception {
        Path file = write("this is not a property\n");
        ConfigException error = assertThrows(ConfigException.class,
                () -> load(file.toString(), new Properties(), Map.of()));
        assertTrue(error.getMessage().startsWith(file + ":1: this: unknown key; "), error.getMessage());
    }

    @Test
    void badOperationName() throws Exception {
        Path file = write("pulse.timer.my-op=a.B#run\n");
        ConfigException error = assertThrows(ConfigException.class,
                () -> load(file.toString(), new Properties(), Map.of()));
        assertEquals(file + ":1: pulse.timer.my-op: expected an operation name of letters, digits and _"
                + " after pulse.timer., found \"my-op\"", error.getMessage());
    }

    @Test
    void malformedEscape() throws Exception {
        Path file = write("pulse.service=\\u12x4\n");
        ConfigException error = assertThrows(ConfigException.class,
                () -> load(file.toString(), new Properties(), Map.of()));
        assertEquals(file + ":1: malformed line: Malformed \\uxxxx encoding.", error.getMessage());
    }

    @Test
    void missingFile() {
        Path missing = folder.resolve("nope.properties");
        ConfigException error = assertThrows(ConfigException.class,
                () -> load(missing.toString(), new Properties(), Map.of()));
        assertEquals(missing + ": cannot read config file: no such file", error.getMessage());
    }

    @Test
    void aFolderIsNotAConfigFile() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> load(folder.toString(), new Properties(), Map.of()));
        assertTrue(error.getMessage().startsWith(folder + ": cannot read config file: "), error.getMessage());
    }

    @Test
    void systemPropertyErrorsNameTheirSource() {
        Properties system = new Properties();
        system.setProperty("pulse.http.port", "abc");
        ConfigException error = assertThrows(ConfigException.class, () -> load(null, system, Map.of()));
        assertEquals("system property: pulse.http.port: expected 0..65535, found \"abc\"", error.getMessage());
    }

    @Test
    void environmentErrorsNameTheVariable() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> load(null, new Properties(), Map.of("PULSE_SAMPLE_INTERVAL", "soon")));
        assertEquals("environment variable PULSE_SAMPLE_INTERVAL: pulse.sample.interval: expected a positive"
                + " duration such as 500ms, 5s or 1m, found \"soon\"", error.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "/opt/app/jobs-worker.jar --verbose, jobs-worker",
        "com.acme.Main arg, Main",
        "Main, Main",
    })
    void defaultServiceNameComesFromTheCommand(String command, String expected) {
        assertEquals(expected, PulseConfig.defaultServiceName(command));
    }

    @Test
    void defaultServiceNameWithoutACommand() {
        assertEquals("java", PulseConfig.defaultServiceName(null));
    }

    private PulseConfig load(String file, Properties system, Map<String, String> environment) throws ConfigException {
        return PulseConfig.from(ConfigSources.collect(file, system, environment), "test-service");
    }

    private Path write(String text) throws IOException {
        Path file = Files.createTempFile(folder, "pulse", ".properties");
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
        return file;
    }
}
