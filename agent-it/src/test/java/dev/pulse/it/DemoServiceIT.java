package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The demo job service with its own pulse.properties, as the README runs it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoServiceIT {

    private ForkedJvm demo;
    private int port;

    @BeforeAll
    void start() throws Exception {
        port = ForkedJvm.freePort();
        List<String> flags = new java.util.ArrayList<>(ForkedJvm.agentFlags(ForkedJvm.DEMO_CONFIG));
        flags.add("-Dpulse.http.host=127.0.0.1");
        flags.add("-Dpulse.http.port=" + port);
        demo = ForkedJvm.start(flags, Map.of(), List.of("-jar", ForkedJvm.DEMO_JAR.toAbsolutePath().toString()),
                "--rate", "50");
        demo.awaitStdout("demo: running");
    }

    @AfterAll
    void stop() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void durationHistogramsGrow() throws Exception {
        String first = demo.awaitScrape(port, "job_execution calls counted",
                text -> count(text, "job_execution") > 0);
        double before = count(first, "job_execution");
        String later = demo.awaitScrape(port, "job_execution count to grow past " + before,
                text -> count(text, "job_execution") > before);
        assertTrue(count(later, "dispatch_cycle") > 0, later);
    }

    @Test
    void failingJobsAreCountedAsErrors() throws Exception {
        String text = demo.awaitScrape(port, "a JobFailedException counted", body -> Scrape.value(body,
                "pulse_processing_errors_total", "operation=\"job_execution\"",
                "exception=\"JobFailedException\"") > 0);
        assertTrue(text.contains("service=\"demo-jobs\""), text);
    }

    @Test
    void queueDepthIsSampled() throws Exception {
        String text = demo.awaitScrape(port, "pending_jobs and outbox sampled",
                body -> !Double.isNaN(Scrape.value(body, "pulse_queue_depth", "queue_name=\"pending_jobs\""))
                        && !Double.isNaN(Scrape.value(body, "pulse_queue_depth", "queue_name=\"outbox\"")));
        assertEquals(1000, Scrape.value(text, "pulse_queue_capacity", "queue_name=\"pending_jobs\""));
    }

    @Test
    void answersHowMuchWorkWaitsAndHowOldTheOldestIs() throws Exception {
        String text = demo.awaitScrape(port, "the SQL gauges sampled", body ->
                !Double.isNaN(Scrape.value(body, "pulse_jobs", "status=\"done\""))
                        && !Double.isNaN(Scrape.value(body, "pulse_jobs_oldest_ready_age_seconds")));
        assertTrue(Scrape.value(text, "pulse_jobs_oldest_ready_age_seconds") >= 0, text);
        assertTrue(Double.isNaN(Scrape.value(text, "pulse_sampler_errors_total", "source=\"sql:jobs_by_status\"")),
                "the demo's SQL gauges never fail:\n" + text);
        assertEquals(0, Scrape.value(text, "pulse_processing_oldest_inflight_seconds",
                "operation=\"dispatch_cycle\""), 1.0, text);
    }

    @Test
    void showsItsHikariPoolAndDeliveryExecutorAsConfigured() throws Exception {
        String text = demo.awaitScrape(port, "the demo's pool and executor read", body ->
                !Double.isNaN(Scrape.value(body, "pulse_db_pool_max", "pool=\"demo-db\""))
                        && !Double.isNaN(Scrape.value(body, "pulse_executor_max_threads", "executor=\"delivery\"")));
        assertEquals(8, Scrape.value(text, "pulse_db_pool_max", "pool=\"demo-db\""), "JobStore's maximumPoolSize");
        double size = Scrape.value(text, "pulse_db_pool_size", "pool=\"demo-db\"");
        assertTrue(size >= 2 && size <= 8, "minimumIdle 2, maximum 8: " + size);
        assertEquals(size, Scrape.value(text, "pulse_db_pool_free", "pool=\"demo-db\"")
                + Scrape.value(text, "pulse_db_pool_active", "pool=\"demo-db\""), text);
        assertTrue(Scrape.value(text, "pulse_db_pool_acquire_duration_seconds_count", "pool=\"demo-db\"") > 0, text);
        assertEquals(4, Scrape.value(text, "pulse_executor_max_threads", "executor=\"delivery\""),
                "Dispatcher's DELIVERY_THREADS");
        assertTrue(Scrape.value(text, "pulse_executor_threads", "executor=\"delivery\"") <= 4, text);
        double queued = Scrape.value(text, "pulse_executor_queued_tasks", "executor=\"delivery\"");
        assertTrue(queued >= 0 && queued <= 200, "the delivery queue holds at most 200: " + queued);
        assertTrue(Double.isNaN(Scrape.value(text, "pulse_sampler_errors_total", "source=\"db_pools\"")), text);
    }

    @Test
    void promtoolAcceptsTheScrape() throws Exception {
        Path promtool = findPromtool();
        String text = demo.awaitScrape(port, "every timer has counted a call", body ->
                count(body, "job_execution") > 0 && count(body, "dispatch_cycle") > 0
                        && count(body, "delivery_attempt") > 0);
        Path file = Files.createTempFile("pulse-scrape", ".prom");
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
        Process check = new ProcessBuilder(promtool.toString(), "check", "metrics")
                .redirectInput(file.toFile())
                .redirectErrorStream(true)
                .start();
        assertTrue(check.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, check.exitValue(), "promtool check metrics:\n" + output);
        assertEquals("", output.trim(), "promtool check metrics reported problems");
    }

    private static double count(String text, String operation) {
        double value = Scrape.value(text, "pulse_processing_duration_seconds_count",
                "operation=\"" + operation + "\"");
        return Double.isNaN(value) ? 0 : value;
    }

    private static Path findPromtool() {
        return Executables.onPath("promtool", "prometheus");
    }
}
