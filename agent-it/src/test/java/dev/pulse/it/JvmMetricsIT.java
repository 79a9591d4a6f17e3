package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JVM's own metrics: on by default under client_java's standard names, off with pulse.jvm=false. */
class JvmMetricsIT {

    @Test
    void theJvmsOwnMetricsCarryTheStandardNamesAndTheServiceLabel(@TempDir Path folder) throws Exception {
        int port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder, "pulse.service=target", "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port);
        try (ForkedJvm app = ForkedJvm.app(config, "dev.pulse.it.apps.TargetApp", "--calls", "1",
                "--hold-ms", "60000")) {
            app.awaitStdout("app: ready");
            String text = app.awaitScrape(port);
            for (String name : List.of("jvm_memory_used_bytes{area=\"heap\",service=\"target\"}",
                    "jvm_memory_used_bytes{area=\"nonheap\",service=\"target\"}",
                    "jvm_gc_collection_seconds_count{gc=\"Copy\",service=\"target\"}",
                    "jvm_threads_current{service=\"target\"}",
                    "jvm_classes_currently_loaded{service=\"target\"}",
                    "jvm_buffer_pool_used_bytes{pool=\"direct\",service=\"target\"}",
                    "process_cpu_seconds_total{service=\"target\"}")) {
                assertTrue(text.contains("\n" + name + " "), name + " in:\n" + text);
            }
            double heap = Scrape.value(text, "jvm_memory_used_bytes", "area=\"heap\"");
            assertTrue(heap > 0 && heap <= 256L * 1024 * 1024, "heap used within -Xmx256m: " + heap);
            double threads = Scrape.value(text, "jvm_threads_current");
            assertTrue(threads >= 2 && threads < 200, "live threads: " + threads);
        }
    }

    /**
     * Start-up does not pay for them: the JVM's management classes are first loaded by the first
     * scrape, not by the agent's start (history off, so nothing else scrapes).
     */
    @Test
    void theyAreBuiltAtTheFirstScrapeNotAtStartUp(@TempDir Path folder) throws Exception {
        int port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder, "pulse.service=target", "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port, "pulse.history.duration=0");
        List<String> flags = new ArrayList<>(ForkedJvm.agentFlags(config));
        flags.add("-verbose:class");
        String management = "java.lang.management.ManagementFactory ";
        try (ForkedJvm app = ForkedJvm.start(flags, Map.of(), List.of("-cp", ForkedJvm.APPS_CLASSPATH,
                "dev.pulse.it.apps.TargetApp"), "--calls", "1", "--hold-ms", "60000")) {
            app.awaitStdout("app: ready");
            app.awaitStderr("pulse: started");
            assertFalse(app.stdout().contains(management), "loaded before any scrape");
            String text = app.awaitScrape(port);
            assertTrue(text.contains("\njvm_threads_current{service=\"target\"} "), text);
            assertTrue(app.stdout().contains(management), "the scrape built them");
        }
    }

    @Test
    void pulseJvmFalseLeavesThemOut(@TempDir Path folder) throws Exception {
        int port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder, "pulse.service=target", "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port, "pulse.jvm=false");
        try (ForkedJvm app = ForkedJvm.app(config, "dev.pulse.it.apps.TargetApp", "--calls", "1",
                "--hold-ms", "60000")) {
            app.awaitStdout("app: ready");
            String text = app.awaitScrape(port);
            assertEquals(List.of(), Scrape.samples(text, "jvm_"));
            assertEquals(List.of(), Scrape.samples(text, "process_"));
            assertTrue(text.contains("pulse_agent_info{"), text);
        }
    }
}
