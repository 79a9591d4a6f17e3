package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import net.bytebuddy.ByteBuddy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pulse beside a second Byte Buddy agent, in both orders, and given twice; the application ships
 * its own Byte Buddy 1.14 and Prometheus simpleclient 0.16 and registers its own metrics.
 */
class OtherAgentsAndLibrariesIT {

    private static Path folder;
    private static Path otherAgent;

    @BeforeAll
    static void buildTheOtherAgent() throws IOException {
        folder = Files.createTempDirectory("pulse-it");
        otherAgent = folder.resolve("other-agent.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", "dev.pulse.it.fixture.OtherAgent");
        manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        // The agent's classes and its Byte Buddy come from the application's class path.
        try (OutputStream out = Files.newOutputStream(otherAgent); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
    }

    @Test
    void pulseFirstThenTheOtherAgentThenPulseAgain() throws Exception {
        runBeside(List.of("pulse", "other", "pulse"));
    }

    @Test
    void theOtherAgentFirst() throws Exception {
        runBeside(List.of("other", "pulse"));
    }

    private static void runBeside(List<String> agents) throws Exception {
        int port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder,
                "pulse.service=beside",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.timer.jobs=dev.pulse.it.apps.Jobs#process");
        List<String> flags = new ArrayList<>();
        for (String agent : agents) {
            flags.add(agent.equals("pulse") ? ForkedJvm.agentFlags(config).get(0) : "-javaagent:" + otherAgent);
        }
        Path stop = Files.createTempFile(folder, "stop", "");
        Files.delete(stop);
        try (ForkedJvm app = ForkedJvm.start(flags, Map.of(), List.of("-cp",
                ForkedJvm.appsClasspathWith(ByteBuddy.class, CollectorRegistry.class, TextFormat.class),
                "dev.pulse.it.apps.OwnLibrariesApp"), "--stop-file", stop.toString())) {
            app.awaitStdout("app: ready");
            String stdout = app.stdout();
            assertTrue(stdout.contains("app: made by the app's Byte Buddy from byte-buddy-1.14."), app::describe);
            assertTrue(stdout.contains("app: failures=10 other agent calls=100"), app::describe);
            assertTrue(stdout.contains("app-metrics: app_requests_total 3.0"), app::describe);
            assertTrue(stdout.contains("app-metrics: pulse_agent_info 42.0"), app::describe);

            String scrape = app.awaitScrape(port);
            assertEquals(100, Scrape.value(scrape, "pulse_processing_duration_seconds_count", "operation=\"jobs\""));
            assertEquals(10, Scrape.value(scrape, "pulse_processing_errors_total", "operation=\"jobs\""));
            assertEquals(1, Scrape.value(scrape, "pulse_agent_info"), scrape);
            assertFalse(scrape.contains("app_requests_total"), scrape);

            List<String> expected = new ArrayList<>();
            expected.add("pulse: started 1 timers, 0 queues, 0 SQL gauges; metrics on http://127.0.0.1:" + port
                    + "/metrics");
            if (agents.lastIndexOf("pulse") != agents.indexOf("pulse")) {
                expected.add("pulse: warning: the agent is attached more than once; only the first one runs");
            }
            // The started line comes from the endpoint thread, the warning from the second premain:
            // their order is not defined.
            List<String> lines = new ArrayList<>(app.agentLines());
            Collections.sort(expected);
            Collections.sort(lines);
            assertEquals(expected, lines, app::describe);
            assertFalse(app.stderr().contains("Exception") || app.stderr().contains("Error"), app::describe);

            Files.createFile(stop);
            assertEquals(0, app.awaitExit(), app::describe);
        }
    }
}
