package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One JVM of a real Kotlin build (kotlin-maven-plugin, kotlinx-coroutines): suspend functions
 * of each compiled shape are timed one call each, from the call to its completion, in flight
 * while suspended; an error after a suspension and a cancellation count once; an
 * {@code internal fun} is matched by its source name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KotlinSuspendIT {

    private static final String APP = "dev.pulse.it.apps.kotlin.Suspending";
    private static final List<String> OPERATIONS =
            List.of("tail", "machine", "hand_on", "failing", "slow", "cancelled", "audit");

    private ForkedJvm app;
    private int port;
    /** The app starts its slow call once this file exists. */
    private Path go;

    @BeforeAll
    void start() throws Exception {
        port = ForkedJvm.freePort();
        Path folder = Files.createTempDirectory("pulse-it");
        go = folder.resolve("go");
        Path config = ForkedJvm.writeConfig(folder,
                "pulse.service=kotlin",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.sample.interval=200ms",
                "pulse.timer.tail=" + APP + "#tail",
                "pulse.timer.machine=" + APP + "#machine",
                "pulse.timer.hand_on=" + APP + "#handOn",
                "pulse.timer.failing=" + APP + "#failing",
                "pulse.timer.slow=" + APP + "#slow",
                "pulse.timer.slow.stall=1s",
                "pulse.timer.cancelled=" + APP + "#cancelled*",
                "pulse.timer.audit=" + APP + "#audit");
        app = ForkedJvm.start(ForkedJvm.agentFlags(config), java.util.Map.of(),
                List.of("-cp", ForkedJvm.appsClasspathWith(kotlin.Unit.class, kotlinx.coroutines.Job.class),
                        "dev.pulse.it.apps.kotlin.CoroutinesAppKt", go.toString()));
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    @Order(1)
    void eachCallCountsOnceWithItsWholeDurationInEveryCompiledShape() throws Exception {
        app.awaitStdout("app: concurrent done");
        String text = ForkedJvm.scrape(port);
        // tail(): delay is a tail call, so the function is never entered again.
        assertEquals(500, count(text, "tail"), text);
        assertTrue(sum(text, "tail") >= 500 * 0.005, "tail sum " + sum(text, "tail"));
        // machine(): a state machine, entered again on every resumption; 500 in a row, 100
        // through handOn(), 200 at once on other threads (more than the 64 slots with an age).
        assertEquals(800, count(text, "machine"), text);
        assertTrue(sum(text, "machine") >= 800 * 0.005, "machine sum " + sum(text, "machine"));
        // handOn(): a tail call into machine(), completed when machine() resumes its caller.
        assertEquals(100, count(text, "hand_on"), text);
        assertTrue(sum(text, "hand_on") >= 100 * 0.005, "hand_on sum " + sum(text, "hand_on"));
        for (String operation : List.of("tail", "machine", "hand_on")) {
            assertEquals(0, inflight(text, operation), operation + "\n" + text);
            assertTrue(Double.isNaN(Scrape.value(text, "pulse_processing_errors_total",
                    "operation=\"" + operation + "\"")), text);
        }
    }

    @Test
    @Order(2)
    void anErrorAfterASuspensionCountsOnce() throws Exception {
        app.awaitStdout("app: failing threw");
        String text = ForkedJvm.scrape(port);
        assertEquals(1, count(text, "failing"), text);
        assertEquals(1, Scrape.value(text, "pulse_processing_errors_total", "operation=\"failing\"",
                "exception=\"IllegalStateException\""), text);
        assertEquals(0, inflight(text, "failing"), text);
    }

    @Test
    @Order(3)
    void anInternalFunctionIsMatchedByItsSourceName() throws Exception {
        app.awaitStdout("app: audited 7");
        assertEquals(7, count(ForkedJvm.scrape(port), "audit"));
    }

    @Test
    @Order(4)
    void aCallCancelledWhileSuspendedLeavesTheFlightAndCountsAsAnError() throws Exception {
        app.awaitStdout("app: cancelled");
        String text = ForkedJvm.scrape(port);
        assertEquals(2, count(text, "cancelled"), text);
        assertEquals(2, Scrape.value(text, "pulse_processing_errors_total", "operation=\"cancelled\"",
                "exception=\"JobCancellationException\""), text);
        assertEquals(0, inflight(text, "cancelled"), text);
    }

    @Test
    @Order(5)
    void aSuspendedCallIsInFlightAndAgesUntilItCompletes() throws Exception {
        app.awaitStdout("app: cancelled");
        Files.createFile(go);
        app.awaitStdout("app: slow call suspended");
        // delay(4000): two scrapes while it is suspended see it in flight, the second one older.
        String first = app.awaitScrape(port, "the suspended call in flight", text -> oldest(text) > 0);
        assertEquals(1, inflight(first, "slow"), first);
        assertTrue(Double.isNaN(count(first, "slow")) || count(first, "slow") == 0, first);
        String later = app.awaitScrape(port, "the suspended call to age",
                text -> oldest(text) >= oldest(first) + 0.5 || oldest(text) == 0);
        assertTrue(oldest(later) >= oldest(first) + 0.5, "oldest " + oldest(first) + " s, then " + later);
        assertEquals(1, inflight(later, "slow"), later);
        app.awaitStdout("app: slow call returned");
        String after = app.awaitScrape(port, "the slow call to complete", text -> count(text, "slow") == 1);
        assertEquals(0, inflight(after, "slow"), after);
        assertEquals(0, oldest(after), after);
        assertTrue(sum(after, "slow") >= 4.0, "slow sum " + sum(after, "slow"));
        Matcher stall = Pattern.compile("pulse: warning: operation slow: a suspended call \\(no thread runs it now\\)"
                + " has run for [0-9.]+s \\(stall threshold 1\\.0s\\)").matcher(app.stderr());
        assertTrue(stall.find(), app.stderr());
        for (String operation : OPERATIONS) {
            assertEquals(0, inflight(after, operation), operation + "\n" + after);
        }
    }

    private static double count(String text, String operation) {
        return Scrape.value(text, "pulse_processing_duration_seconds_count", "operation=\"" + operation + "\"");
    }

    private static double sum(String text, String operation) {
        return Scrape.value(text, "pulse_processing_duration_seconds_sum", "operation=\"" + operation + "\"");
    }

    private static double inflight(String text, String operation) {
        return Scrape.value(text, "pulse_processing_inflight", "operation=\"" + operation + "\"");
    }

    private static double oldest(String text) {
        return Scrape.value(text, "pulse_processing_oldest_inflight_seconds", "operation=\"slow\"");
    }
}
