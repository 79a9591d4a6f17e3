package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;

/** One JVM of SamplingApp: a hanging call, a backlog that changes, two misbehaving queues. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StuckLoopAndSamplingIT {

    private static final long INTERVAL_MILLIS = 200;
    private ForkedJvm app;
    private int port;
    /** Where the test says it saw each step, so the app's steps last until the test has looked. */
    private Path steps;

    @BeforeAll
    void start() throws Exception {
        port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(Files.createTempDirectory("pulse-it"),
                "pulse.service=sampling",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.sample.interval=" + INTERVAL_MILLIS + "ms",
                "pulse.timer.loop=dev.pulse.it.apps.SamplingApp$Loop#runOnce,runUntil",
                "pulse.timer.loop.stall=1s",
                "pulse.queue.backlog=dev.pulse.it.apps.SamplingApp#BACKLOG",
                "pulse.queue.throwing=dev.pulse.it.apps.SamplingApp#THROWING",
                "pulse.queue.slow=dev.pulse.it.apps.SamplingApp#SLOW");
        steps = Files.createTempDirectory("pulse-it-steps");
        app = ForkedJvm.app(config, "dev.pulse.it.apps.SamplingApp", steps.toString());
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    @Order(1)
    void oldestInflightRisesWhileACallHangsAndFallsToZeroAfter() throws Exception {
        app.awaitStdout("app: hanging");
        String hung = app.awaitScrape(port, "the hanging call to be over 1 s old",
                text -> oldest(text) >= 1.0);
        assertEquals(1, Scrape.value(hung, "pulse_processing_inflight", "operation=\"loop\""));
        Files.createFile(steps.resolve("release"));
        app.awaitStdout("app: returned");
        String after = app.awaitScrape(port, "no call in flight", text -> oldest(text) == 0.0);
        assertEquals(0, Scrape.value(after, "pulse_processing_inflight", "operation=\"loop\""));
        double lastSuccess = Scrape.value(after, "pulse_processing_last_success_timestamp_seconds",
                "operation=\"loop\"");
        assertTrue(Math.abs(System.currentTimeMillis() / 1e3 - lastSuccess) < 30, "last success " + lastSuccess);
    }

    @Test
    @Order(2)
    void theStallWarningIsPrintedOnceWithTheThreadAndItsStack() throws Exception {
        app.awaitStdout("app: returned");
        String stderr = app.stderr();
        Matcher warnings = Pattern.compile("pulse: warning: operation loop: a call on thread \"stuck-loop\" has run"
                + " for [0-9.]+s \\(stall threshold 1\\.0s\\); its stack:").matcher(stderr);
        assertTrue(warnings.find(), stderr);
        int at = warnings.end();
        assertTrue(!warnings.find(), "one warning per stuck call:\n" + stderr);
        String stack = stderr.substring(at);
        assertTrue(stack.contains("\tat ") && stack.contains("SamplingApp$Loop.runUntil(SamplingApp.java"), stderr);
    }

    @Test
    @Order(3)
    void depthFollowsTheRealQueueWithinAnInterval() throws Exception {
        for (int size : new int[] {10, 3, 25, 0}) {
            app.awaitStdout("app: backlog=" + size);
            long seen = System.nanoTime();
            app.awaitScrape(port, "backlog depth " + size,
                    text -> Scrape.value(text, "pulse_queue_depth", "queue_name=\"backlog\"") == size);
            long millis = (System.nanoTime() - seen) / 1_000_000;
            Files.createFile(steps.resolve("seen-" + size));
            // An interval, plus the scrape and the pause the test itself took to look, with room
            // for a loaded machine: a depth that never followed would time out instead.
            assertTrue(millis < 5 * INTERVAL_MILLIS + 4000, "depth " + size + " showed after " + millis + " ms");
        }
    }

    @Test
    @Order(4)
    void misbehavingSizesAreCountedAndNeverStopTheOthers() throws Exception {
        app.awaitStdout("app: done");
        String text = ForkedJvm.scrape(port);
        assertTrue(Scrape.value(text, "pulse_sampler_errors_total", "source=\"queue:throwing\"") >= 3, text);
        assertTrue(Scrape.value(text, "pulse_sampler_errors_total", "source=\"queue:slow\"") >= 1, text);
        assertTrue(Double.isNaN(Scrape.value(text, "pulse_queue_depth", "queue_name=\"throwing\"")), text);
        assertTrue(app.stderr().contains("pulse: warning: sampling queue:throwing: size() threw"
                + " java.lang.IllegalStateException: size() is broken; counted in pulse_sampler_errors_total (at most"
                + " one line per source every 10 minutes)"), app.stderr());
        assertTrue(app.stderr().contains("pulse: warning: sampling queue:slow: still running after 200 ms; not read"
                + " again until it returns; counted in pulse_sampler_errors_total (at most one line per source"
                + " every 10 minutes)"), app.stderr());
        double passes = Scrape.value(text, "pulse_sampler_duration_seconds_count");
        assertTrue(passes >= 10, "the sampler kept its schedule: " + passes + " passes");
    }

    private static double oldest(String text) {
        return Scrape.value(text, "pulse_processing_oldest_inflight_seconds", "operation=\"loop\"");
    }
}
