package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operations kit: the alerting rules and the Grafana dashboard the agent jar prints, checked
 * by promtool, then proven on a real Prometheus scraping the demo: the stuck-loop alert fires when
 * the demo's worker hangs, no alert fires while it runs normally, and every dashboard panel's
 * query returns data.
 */
class OperationsKitIT {

    private static final Path RULES_SOURCE = Paths.get("../agent/src/main/resources/dev/pulse/agent/ops/pulse-alerts.yml");
    private static final Path DASHBOARD_SOURCE =
            Paths.get("../agent/src/main/resources/dev/pulse/agent/ops/pulse-dashboard.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The demo's worker hangs this long after it starts; its stall threshold is 10 s (demo-app/pulse.properties). */
    private static final Duration HANG_AFTER = Duration.ofSeconds(25);

    @Test
    void theJarPrintsTheShippedRulesAndDashboardAndListsEveryCommand() throws Exception {
        Command rules = Command.agentJar("rules");
        assertEquals(0, rules.exitCode, rules.stderr);
        assertEquals(Files.readString(RULES_SOURCE), rules.stdout);
        Command dashboard = Command.agentJar("dashboard");
        assertEquals(0, dashboard.exitCode, dashboard.stderr);
        assertEquals(Files.readString(DASHBOARD_SOURCE), dashboard.stdout);
        assertEquals("pulse-jvm-service", JSON.readTree(dashboard.stdout).path("uid").asText());

        Command usage = Command.agentJar();
        assertEquals(2, usage.exitCode);
        for (String command : List.of("attach <pid>", "hash-password", "rules", "dashboard")) {
            assertTrue(usage.stderr.contains("  " + command), "usage lists " + command + ":\n" + usage.stderr);
        }
        assertEquals(2, Command.agentJar("rules", "extra").exitCode);
    }

    @Test
    void promtoolChecksTheRulesAndTheirUnitTestsPass(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("pulse-alerts.yml"), Command.agentJar("rules").stdout);
        try (InputStream tests = OperationsKitIT.class.getResourceAsStream("/ops/pulse-alerts-test.yml")) {
            Files.write(folder.resolve("pulse-alerts-test.yml"), tests.readAllBytes());
        }
        String promtool = Executables.onPath("promtool", "prometheus").toString();
        Command check = Command.run(folder, promtool, "check", "rules", "pulse-alerts.yml");
        assertEquals(0, check.exitCode, check.stdout + check.stderr);
        Command test = Command.run(folder, promtool, "test", "rules", "pulse-alerts-test.yml");
        assertEquals(0, test.exitCode, test.stdout + test.stderr);
        assertTrue(test.stdout.contains("SUCCESS"), test.stdout);
    }

    @Test
    void onARealPrometheusTheStuckLoopAlertFiresAloneAndEveryPanelHasData(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("pulse-alerts.yml"), Command.agentJar("rules").stdout);
        int port = ForkedJvm.freePort();
        List<String> flags = new ArrayList<>(ForkedJvm.agentFlags(ForkedJvm.DEMO_CONFIG));
        flags.add("-Dpulse.http.host=127.0.0.1");
        flags.add("-Dpulse.http.port=" + port);
        try (ForkedJvm demo = ForkedJvm.start(flags, Map.of(),
                List.of("-jar", ForkedJvm.DEMO_JAR.toAbsolutePath().toString()),
                "--rate", "50", "--hang-worker-after", HANG_AFTER.toSeconds() + "s", "--hang-for", "120s");
                PrometheusServer prometheus = PrometheusServer.start(folder, "demo", "127.0.0.1:" + port,
                        List.of("pulse-alerts.yml"))) {
            demo.awaitStdout("demo: running");
            // Normal running, until the worker's hung call shows: no alert may fire.
            int checks = 0;
            while (!hangBegun(port)) {
                assertTrue(firing(prometheus.alerts()).isEmpty(),
                        "no alert fires while the demo runs normally: " + prometheus.alerts());
                checks++;
                Thread.sleep(1000);
            }
            assertTrue(checks >= 5, "normal running was watched " + checks + " times");

            JsonNode stuck = awaitFiring(prometheus, "PulseOperationStuck", Duration.ofSeconds(90));
            assertEquals("job_execution", stuck.path("labels").path("operation").asText(), stuck.toString());
            assertEquals("critical", stuck.path("labels").path("severity").asText());
            assertEquals("demo-jobs", stuck.path("labels").path("service").asText());
            assertTrue(stuck.path("annotations").path("description").asText().contains("job_execution"));
            for (JsonNode alert : firing(prometheus.alerts())) {
                assertEquals("PulseOperationStuck", alert.path("labels").path("alertname").asText(),
                        "only the stuck loop fires: " + alert);
            }

            List<String> empty = new ArrayList<>();
            int expressions = 0;
            for (JsonNode panel : JSON.readTree(Command.agentJar("dashboard").stdout).path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    String expression = target.path("expr").asText()
                            .replace("$service", ".*")
                            .replace("$instance", ".*")
                            .replace("$__rate_interval", "15s");
                    expressions++;
                    if (prometheus.query(expression).isEmpty()) {
                        empty.add(panel.path("title").asText() + ": " + expression);
                    }
                }
            }
            assertTrue(expressions >= 25, "the dashboard has " + expressions + " queries");
            assertTrue(empty.isEmpty(), "every dashboard query returns data; these do not:\n"
                    + String.join("\n", empty) + "\n" + prometheus.log());
        }
    }

    /** True once a job_execution call has run for over 2 s: the demo's worker hangs. */
    private static boolean hangBegun(int port) throws InterruptedException {
        try {
            return Scrape.value(ForkedJvm.scrape(port), "pulse_processing_oldest_inflight_seconds",
                    "operation=\"job_execution\"") > 2;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static List<JsonNode> firing(JsonNode alerts) {
        List<JsonNode> firing = new ArrayList<>();
        for (JsonNode alert : alerts) {
            if ("firing".equals(alert.path("state").asText())) {
                firing.add(alert);
            }
        }
        return firing;
    }

    private static JsonNode awaitFiring(PrometheusServer prometheus, String name, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        JsonNode alerts = null;
        while (System.nanoTime() < deadline) {
            alerts = prometheus.alerts();
            for (JsonNode alert : firing(alerts)) {
                if (name.equals(alert.path("labels").path("alertname").asText())) {
                    return alert;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError(name + " did not fire within " + wait + "; alerts: " + alerts + "\n"
                + prometheus.log());
    }

    /** A short command run to its end, with its output. */
    private static final class Command {
        final int exitCode;
        final String stdout;
        final String stderr;

        private Command(int exitCode, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        static Command agentJar(String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of(ForkedJvm.JAVA.toString(), "-jar",
                    ForkedJvm.AGENT_JAR.toAbsolutePath().toString()));
            command.addAll(List.of(args));
            return run(null, command.toArray(new String[0]));
        }

        static Command run(Path folder, String... command) throws IOException, InterruptedException {
            ProcessBuilder builder = new ProcessBuilder(command);
            if (folder != null) {
                builder.directory(folder.toFile());
            }
            Path out = Files.createTempFile("pulse-command", ".out");
            Path err = Files.createTempFile("pulse-command", ".err");
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
                return new Command(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                process.destroyForcibly();
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        }
    }
}
