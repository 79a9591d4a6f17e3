package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A bad configuration, or pulse.enabled=false: one line from the agent, and then the service runs
 * exactly as it would without it (same output, same exit code, no port, no thread, no bridge).
 */
class ConfigErrorIT {

    private static final int EXIT_CODE = 3;
    private static Path folder;

    @BeforeAll
    static void folder() throws IOException {
        folder = Files.createTempDirectory("pulse-it");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiterString = " => ", value = {
        "pulse.http.port => abc => pulse.http.port: expected 0..65535, found \"abc\"",
        "pulse.http.port => -1 => pulse.http.port: expected 0..65535, found \"-1\"",
        "pulse.http.port => 70000 => pulse.http.port: expected 0..65535, found \"70000\"",
        "pulse.sample.interval => 0 => pulse.sample.interval: expected a positive duration such as 500ms, 5s or 1m,"
            + " found \"0\"",
        "pulse.metrics.max_series => 0 => pulse.metrics.max_series: expected a number of series 1..1000000,"
            + " found \"0\"",
        "pulse.timer.cycle => dev.pulse.it.apps.Jobs => pulse.timer.cycle: expected <class pattern>#<method pattern>"
            + "[,<method pattern>...] such as com.acme.*Worker#process*, found \"dev.pulse.it.apps.Jobs\"",
        "pulse.timer.cycle => dev.pulse.it.apps.Jobs#process(..,int) => pulse.timer.cycle: expected a method's parameter"
            + " list of type names, * (any one) or a final .. (any more), such as"
            + " service(jakarta.servlet.http.HttpServletRequest,*), found \"dev.pulse.it.apps.Jobs#process(..,int)\"",
        "pulse.queu.outbox => dev.pulse.it.apps.Outbox#QUEUE => pulse.queu.outbox: unknown key; known keys are"
            + " pulse.enabled, pulse.service, pulse.http.host, pulse.http.port, pulse.http.auth.user,"
            + " pulse.http.auth.password_hash, pulse.http.tls.keystore, pulse.http.tls.keystore_password,"
            + " pulse.http.tls.keystore_type, pulse.sample.interval, pulse.timer.buckets, pulse.metrics.max_series,"
            + " pulse.pools, pulse.pools.exclude, pulse.jvm, pulse.history.duration, pulse.timer.<operation>,"
            + " pulse.timer.<operation>.stall,"
            + " pulse.queue.<name>, pulse.sql.<name>.query|metric|pool|url|user|password|timeout,"
            + " pulse.influx.url|db|user|password|org|bucket|token|buffer_points|timeout, pulse.textfile.path,"
            + " pulse.pushgateway.url|job",
    })
    void badValueIsOneLineAndTheServiceRunsUntouched(String key, String value, String message) throws Exception {
        int port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder,
                "pulse.http.host=127.0.0.1",
                "pulse.timer.jobs=dev.pulse.it.apps.Jobs#process",
                key.equals("pulse.http.port") ? "# port below" : "pulse.http.port=" + port,
                key + "=" + value);
        assertRunsUntouched(config, port, List.of("pulse: " + config.toAbsolutePath() + ":4: " + message));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", value = {
        "pulse_processing_duration_seconds => Pulse's pulse_processing_duration_seconds (a histogram)",
        "pulse_db_pool_size => Pulse's pulse_db_pool_size (a gauge)",
        "pulse_processing_duration_seconds_bucket => Pulse's pulse_processing_duration_seconds (a histogram)",
    })
    void anSqlGaugeNamedLikeOneOfPulsesOwnFamiliesIsOneLine(String metric, String family) throws Exception {
        int port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder,
                "pulse.http.host=127.0.0.1",
                "pulse.timer.jobs=dev.pulse.it.apps.Jobs#process",
                "pulse.http.port=" + port,
                "pulse.sql.a.query=SELECT 1 AS \"value\"",
                "pulse.sql.a.metric=" + metric);
        assertRunsUntouched(config, port, List.of("pulse: " + config.toAbsolutePath() + ":5: pulse.sql.a.metric:"
                + " expected a metric name of its own, not " + family + ", found \"" + metric + "\""));
    }

    @Test
    void missingFile() throws Exception {
        Path missing = folder.resolve("missing.properties");
        assertRunsUntouched(missing, 9464,
                List.of("pulse: " + missing.toAbsolutePath() + ": cannot read config file: no such file"));
    }

    @Test
    void unreadableFile() throws Exception {
        // A directory: unreadable as a file even for root, unlike a file without read permission.
        Path directory = Files.createTempDirectory(folder, "not-a-file");
        assertRunsUntouched(directory, 9464,
                List.of("pulse: " + directory.toAbsolutePath() + ": cannot read config file: Is a directory"));
    }

    @Test
    void malformedLine() throws Exception {
        int port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder,
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.service=\\u12x4");
        assertRunsUntouched(config, port,
                List.of("pulse: " + config.toAbsolutePath() + ":3: malformed line: Malformed \\uxxxx encoding."));
    }

    @Test
    void notUtf8() throws Exception {
        Path config = Files.createTempFile(folder, "latin1", ".properties");
        Files.write(config, "pulse.service=caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertRunsUntouched(config, 9464,
                List.of("pulse: " + config.toAbsolutePath() + ": cannot read config file: not UTF-8 text"));
    }

    @Test
    void disabled() throws Exception {
        int port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder,
                "pulse.enabled=false",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.timer.jobs=dev.pulse.it.apps.Jobs#process");
        assertRunsUntouched(config, port, List.of("pulse: disabled by pulse.enabled=false; nothing installed"));
    }

    @Test
    void serviceWithTheAgentExitsByItselfWithItsOwnCode() throws Exception {
        int port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder,
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.timer.jobs=dev.pulse.it.apps.Jobs#process",
                "pulse.queue.outbox=dev.pulse.it.apps.Outbox#QUEUE");
        try (ForkedJvm app = ForkedJvm.app(config, "dev.pulse.it.apps.TargetApp", "--hold-ms", "3000")) {
            app.awaitStdout("app: ready");
            // The endpoint starts on its own thread, off the service's start-up: wait for its line.
            app.awaitStderr("/metrics");
            assertEquals(200, ForkedJvm.get(port, "/-/healthy").statusCode());
            assertEquals(0, app.awaitExit(), app::describe);
            assertTrue(app.stdout().contains("app: bridge=true"), app::describe);
            String threads = app.stdout().lines().filter(l -> l.startsWith("app: threads=")).findFirst().orElse("");
            assertTrue(threads.contains("pulse-sampler(daemon)"), threads);
        }
    }

    private static void assertRunsUntouched(Path config, int port, List<String> agentLines) throws Exception {
        try (ForkedJvm app = ForkedJvm.app(config, "dev.pulse.it.apps.TargetApp", "--hold-ms", "300",
                "--exit-code", String.valueOf(EXIT_CODE))) {
            app.awaitStdout("app: ready");
            assertThrows(ConnectException.class, () -> ForkedJvm.get(port, "/metrics"), "no port may be opened");
            assertEquals(EXIT_CODE, app.awaitExit(), app::describe);
            assertEquals(agentLines, app.agentLines(), app::describe);
            String stdout = app.stdout();
            assertTrue(stdout.contains("app: calls=100 failures=10"), stdout);
            assertTrue(stdout.contains("app: bridge=false"), "nothing may be installed:\n" + stdout);
            assertFalse(stdout.contains("pulse-"), "no agent thread may run:\n" + stdout);
            assertTrue(stdout.contains("app: done"), stdout);
        }
    }
}
