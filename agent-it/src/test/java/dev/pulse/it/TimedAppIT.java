package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** One forked JVM of the test app with known numbers; every assertion here scrapes it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TimedAppIT {

    private ForkedJvm app;
    private int port;
    private String scrape;

    @BeforeAll
    void start() throws Exception {
        Path folder = Files.createTempDirectory("pulse-it");
        port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder,
                "pulse.service=target",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.sample.interval=200ms",
                "pulse.timer.jobs=dev.pulse.it.apps.Jobs#process",
                "pulse.timer.workers=dev.pulse.it.apps.Worker+#process*",
                "pulse.timer.wildcard=dev.pulse.it.apps.*Worker#processOne",
                "pulse.queue.outbox=dev.pulse.it.apps.Outbox#QUEUE",
                "pulse.queue.holders=dev.pulse.it.apps.Holder#jobs");
        app = ForkedJvm.app(config, "dev.pulse.it.apps.TargetApp", "--calls", "100", "--hold-ms", "120000");
        app.awaitStdout("app: ready");
        scrape = app.awaitScrape(port, "both queues sampled after the app is ready",
                text -> Scrape.value(text, "pulse_queue_depth", "queue_name=\"holders\"") == 5
                        && Scrape.value(text, "pulse_queue_depth", "queue_name=\"outbox\"") == 7
                        && !Double.isNaN(Scrape.value(text, "pulse_queue_capacity", "queue_name=\"holders\"")));
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void countsEveryCallOfAnExactMethod() {
        assertEquals(100, Scrape.value(scrape, "pulse_processing_duration_seconds_count", "operation=\"jobs\""));
        assertEquals(100, Scrape.value(scrape, "pulse_processing_duration_seconds_bucket", "operation=\"jobs\"",
                "le=\"+Inf\""));
        assertEquals(0, Scrape.value(scrape, "pulse_processing_inflight", "operation=\"jobs\""));
    }

    @Test
    void countsErrorsBySimpleExceptionName() {
        assertEquals(10, Scrape.value(scrape, "pulse_processing_errors_total", "operation=\"jobs\"",
                "exception=\"IllegalStateException\""));
    }

    @Test
    void subtypePatternTimesEveryImplementation() {
        assertEquals(20, Scrape.value(scrape, "pulse_processing_duration_seconds_count", "operation=\"workers\""));
    }

    @Test
    void wildcardPatternMatchesClassesByName() {
        assertEquals(20, Scrape.value(scrape, "pulse_processing_duration_seconds_count", "operation=\"wildcard\""));
    }

    @Test
    void samplesStaticAndInstanceQueueFields() {
        assertEquals(7, Scrape.value(scrape, "pulse_queue_depth", "queue_name=\"outbox\""));
        assertEquals(5, Scrape.value(scrape, "pulse_queue_depth", "queue_name=\"holders\""));
        assertEquals(20, Scrape.value(scrape, "pulse_queue_capacity", "queue_name=\"holders\""));
        assertTrue(Double.isNaN(Scrape.value(scrape, "pulse_queue_capacity", "queue_name=\"outbox\"")),
                "an unbounded queue has no capacity series");
    }

    @Test
    void everyPulseSeriesCarriesTheServiceLabel() {
        List<String> samples = Scrape.samples(scrape, "pulse_");
        assertFalse(samples.isEmpty());
        for (String sample : samples) {
            assertTrue(sample.contains("service=\"target\""), sample);
        }
        assertEquals(1, Scrape.value(scrape, "pulse_agent_info"));
    }

    @Test
    void healthEndpointAnswers() throws Exception {
        assertEquals(200, ForkedJvm.get(port, "/-/healthy").statusCode());
    }

    @Test
    void printsOneStartLineAndNothingElse() {
        // The whole of the service's stderr: no JVM warning (class data sharing, Unsafe) either.
        assertEquals(List.of("pulse: started 3 timers, 2 queues, 0 SQL gauges; metrics on http://127.0.0.1:" + port + "/metrics"),
                app.stderr().lines().collect(java.util.stream.Collectors.toList()), app::describe);
    }
}
