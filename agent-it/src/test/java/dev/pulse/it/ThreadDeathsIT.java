package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * DeathsApp run twice, with the agent and without: threads that die of uncaught exceptions and
 * tasks that fail on ThreadPoolExecutor, ScheduledThreadPoolExecutor and ForkJoinPool are
 * counted exactly, while the service's own handlers and what the JVM prints stay the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThreadDeathsIT {

    private static final String DEATHS = "pulse_thread_uncaught_exceptions_total";
    private static final String FAILED = "pulse_executor_failed_tasks_total";

    private ForkedJvm app;
    private ForkedJvm plain;
    private int port;
    private String scrape;

    @BeforeAll
    void start() throws Exception {
        port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(Files.createTempDirectory("pulse-it"),
                "pulse.service=deaths",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.sample.interval=200ms");
        app = ForkedJvm.app(config, "dev.pulse.it.apps.DeathsApp");
        plain = ForkedJvm.start(List.of(), Map.of(), List.of("-cp", ForkedJvm.APPS_CLASSPATH,
                "dev.pulse.it.apps.DeathsApp"));
        app.awaitStdout("app: done");
        plain.awaitStdout("app: done");
        scrape = app.awaitScrape(port, "every executor named with its failed tasks", text ->
                Scrape.value(text, FAILED, "executor=\"orders\"") == 6
                        && Scrape.value(text, FAILED, "executor=\"ticker\"") == 2
                        && Scrape.value(text, FAILED, "executor=\"crunch\"") == 2);
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (plain != null) {
            plain.close();
        }
    }

    @Test
    void everyThreadThatDiedIsCountedByItsExecutorAndException() {
        List<String> expected = new ArrayList<>(List.of(
                deaths("auditor", "UnsupportedOperationException", 1),
                deaths("mailer", "ReportFailed", 1),
                deaths("order-consumer", "IllegalStateException", 1),
                deaths("orders", "IllegalStateException", 4)));
        if (javaFeature() >= 21) {
            expected.add(deaths("vworker", "IllegalStateException", 1));
        }
        assertEquals(expected.stream().sorted().toList(), Scrape.samples(scrape, DEATHS + "{").stream()
                .sorted().toList(), "a ForkJoinPool's worker that hands a failed execute() to its handler lives on,"
                + " and scheduled tasks never kill their thread\n" + scrape);
    }

    @Test
    void tasksThatEndedByThrowingAreCountedOncePerTask() {
        // orders: three execute() tasks before the default handler, one after, two submit() tasks.
        assertEquals(6, Scrape.value(scrape, FAILED, "executor=\"orders\""), scrape);
        // ticker: the periodic task on its third run, then no more, and one schedule()d task.
        assertEquals(2, Scrape.value(scrape, FAILED, "executor=\"ticker\""), scrape);
        // crunch: one submit(), one execute().
        assertEquals(2, Scrape.value(scrape, FAILED, "executor=\"crunch\""), scrape);
        assertTrue(Double.isNaN(Scrape.value(scrape, FAILED, "executor=\"jdk:common-pool\"")),
                "the common pool, never used, is not exported\n" + scrape);
    }

    @Test
    void theServicesHandlersRanAndTheJvmPrintedExactlyAsWithoutTheAgent() throws Exception {
        String expected = plain.stdout();
        assertTrue(expected.contains("app: thread handler: mailer"), expected);
        assertTrue(expected.contains("app: group handler: auditor"), expected);
        assertTrue(expected.contains("app: default handler: orders-4 java.lang.IllegalStateException: order 6 failed"),
                expected);
        assertTrue(expected.contains("app: periodic: java.lang.IllegalStateException: tick 3 failed after 3 ticks"),
                expected);
        assertEquals(expected, app.stdout());

        String printed = plain.stderr();
        assertTrue(printed.contains("Exception in thread \"order-consumer\" java.lang.IllegalStateException:"
                + " consumer lost its connection"), printed);
        assertTrue(printed.contains("Exception in thread \"orders-1\" java.lang.IllegalStateException: order 1 failed"),
                printed);
        assertTrue(printed.contains("Exception in thread \"crunch-1\" java.lang.ArithmeticException: overflow"),
                printed);
        assertEquals(printed, withoutAgentLines(app.stderr()));
        assertEquals(List.of("pulse: started 0 timers, 0 queues, 0 SQL gauges; metrics on http://127.0.0.1:" + port
                + "/metrics"), app.agentLines());
    }

    private static String deaths(String executor, String exception, int count) {
        return DEATHS + "{exception=\"" + exception + "\",executor=\"" + executor + "\",service=\"deaths\"} "
                + count + ".0";
    }

    private static String withoutAgentLines(String stderr) {
        StringBuilder kept = new StringBuilder();
        for (String line : stderr.split("\n", -1)) {
            if (!line.startsWith("pulse: ")) {
                kept.append(line).append('\n');
            }
        }
        return kept.substring(0, kept.length() - 1);
    }

    /** The forked JVM's Java feature version, as the app says it. */
    private int javaFeature() {
        String line = plain.stdout().lines().filter(text -> text.startsWith("app: java ")).findFirst().orElseThrow();
        return Integer.parseInt(line.substring("app: java ".length()));
    }
}
