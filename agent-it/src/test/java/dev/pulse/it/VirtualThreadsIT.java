package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
 * One JVM of VirtualThreadsApp (JDK 21+; the build runs it on JDK 25 and skips it on 17): each
 * thread-per-task executor exports its live virtual threads, named from their names or from
 * where it was made, and leaves what it does not have absent; the virtual-thread scheduler is
 * "jdk:virtual-thread-scheduler" with the carrier threads that exist and the CPU they burnt.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VirtualThreadsIT {

    private static final String FETCHERS = "executor=\"VirtualThreadsApp.startFetchers\"";
    private static final String MAILERS = "executor=\"mailer\"";
    private static final String SCHEDULER = "executor=\"jdk:virtual-thread-scheduler\"";
    private static final int FETCHES = 30;
    private static final int MAILS = 7;
    private static final int PARALLELISM = 3;
    private static final Pattern HELD_CARRIERS = Pattern.compile("app: held carriers=(\\d+)");

    private ForkedJvm app;
    private int port;
    private Path release;
    private Path shutdown;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(forkedFeatureVersion() >= 21, "virtual threads need JDK 21+");
        port = ForkedJvm.freePort();
        Path folder = Files.createTempDirectory("pulse-it");
        release = folder.resolve("release");
        shutdown = folder.resolve("shutdown");
        Path config = ForkedJvm.writeConfig(folder,
                "pulse.service=virtual",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.sample.interval=200ms",
                "pulse.pools.exclude=pulse:*");
        List<String> flags = new java.util.ArrayList<>(ForkedJvm.agentFlags(config));
        flags.add("-Djdk.virtualThreadScheduler.parallelism=" + PARALLELISM);
        app = ForkedJvm.start(flags, Map.of(), List.of("-cp", ForkedJvm.APPS_CLASSPATH,
                "dev.pulse.it.apps.VirtualThreadsApp", release.toString(), shutdown.toString()));
    }

    /** The feature version of the JDK the services run on, from its {@code release} file. */
    private static int forkedFeatureVersion() throws java.io.IOException {
        Path home = ForkedJvm.JAVA.getParent().getParent();
        for (String line : Files.readAllLines(home.resolve("release"))) {
            Matcher version = Pattern.compile("^JAVA_VERSION=\"(\\d+)").matcher(line);
            if (version.find()) {
                return Integer.parseInt(version.group(1));
            }
        }
        return Runtime.version().feature();
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    @Order(1)
    void eachExecutorExportsItsLiveVirtualThreadsAndTheSchedulerItsCarriers() throws Exception {
        app.awaitStdout("app: held carriers=");
        Matcher held = HELD_CARRIERS.matcher(app.stdout());
        assertTrue(held.find(), app.stdout());
        int carriers = Integer.parseInt(held.group(1));
        assertTrue(carriers >= 1, app.stdout());
        String text = app.awaitScrape(port, "both executors and the scheduler read", body ->
                Scrape.value(body, "pulse_executor_threads", FETCHERS) == FETCHES
                        && Scrape.value(body, "pulse_executor_threads", MAILERS) == MAILS
                        && Scrape.value(body, "pulse_executor_threads", SCHEDULER) == carriers);
        assertEquals(FETCHES, Scrape.value(text, "pulse_executor_active_threads", FETCHERS), text);
        assertEquals(MAILS, Scrape.value(text, "pulse_executor_active_threads", MAILERS), text);
        for (String executor : List.of(FETCHERS, MAILERS)) {
            // No queue, no bound, no idle thread, no count of completed or rejected tasks; the
            // CPU of virtual threads is their carriers'.
            for (String absent : List.of("pulse_executor_max_threads", "pulse_executor_queued_tasks",
                    "pulse_executor_idle_threads", "pulse_executor_completed_tasks_total",
                    "pulse_executor_rejected_tasks_total", "pulse_executor_cpu_seconds_total",
                    "pulse_executor_allocated_bytes_total")) {
                assertTrue(Double.isNaN(Scrape.value(text, absent, executor)), absent + " " + executor + "\n" + text);
            }
        }
        assertEquals(PARALLELISM, Scrape.value(text, "pulse_executor_max_threads", SCHEDULER), text);
        double active = Scrape.value(text, "pulse_executor_active_threads", SCHEDULER);
        assertTrue(active >= 0 && active <= carriers, text);
        // Two virtual threads burnt about two thirds of a second of CPU on the carriers.
        assertTrue(Scrape.value(text, "pulse_executor_cpu_seconds_total", SCHEDULER) >= 0.2, text);
        assertTrue(Double.isNaN(Scrape.value(text, "pulse_executor_failed_tasks_total", SCHEDULER)),
                "a failing virtual thread is a thread death, not a failed task of its scheduler\n" + text);
        assertFalse(text.contains("VirtualThread.createDefaultScheduler"), text);
    }

    @Test
    @Order(2)
    void finishedTasksLeaveOnlyTheLiveThreadsAndAShutDownExecutorGoes() throws Exception {
        Files.createFile(release);
        app.awaitStdout("app: released");
        app.awaitScrape(port, "the held tasks done, one more each running", body ->
                Scrape.value(body, "pulse_executor_threads", FETCHERS) == 1
                        && Scrape.value(body, "pulse_executor_threads", MAILERS) == 1);
        Files.createFile(shutdown);
        app.awaitStdout("app: shut down");
        String text = app.awaitScrape(port, "the shut-down executors gone", body ->
                !body.contains(FETCHERS) && !body.contains(MAILERS));
        assertFalse(Double.isNaN(Scrape.value(text, "pulse_executor_threads", SCHEDULER)), text);
        assertEquals(List.of("pulse: started 0 timers, 0 queues, 0 SQL gauges; metrics on http://127.0.0.1:" + port
                + "/metrics"), app.agentLines());
    }

    @Test
    @Order(3)
    void aSchedulerMadeBeforeAnAttachIsFoundByItsCarriersAndExecutorsAtTheirNextSubmit() throws Exception {
        int attachedPort = ForkedJvm.freePort();
        Path folder = Files.createTempDirectory("pulse-it");
        Path config = ForkedJvm.writeConfig(folder,
                "pulse.service=virtual-attached",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + attachedPort,
                "pulse.sample.interval=200ms");
        try (ForkedJvm late = ForkedJvm.start(List.of("-XX:+EnableDynamicAgentLoading",
                "-Djdk.virtualThreadScheduler.parallelism=" + PARALLELISM), Map.of(),
                List.of("-cp", ForkedJvm.APPS_CLASSPATH, "dev.pulse.it.apps.VirtualThreadsApp",
                        folder.resolve("release").toString(), folder.resolve("shutdown").toString(), "--tick"))) {
            late.awaitStdout("app: held carriers=");
            Process attach = new ProcessBuilder(ForkedJvm.JAVA.toString(), "-jar",
                    ForkedJvm.AGENT_JAR.toAbsolutePath().toString(), "attach", String.valueOf(late.pid()),
                    config.toString())
                    .redirectErrorStream(true)
                    .start();
            assertTrue(attach.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "attach did not finish");
            assertEquals(0, attach.exitValue(), new String(attach.getInputStream().readAllBytes()));
            String text = late.awaitScrape(attachedPort, "the scheduler found by its carriers", body ->
                    Scrape.value(body, "pulse_executor_threads", SCHEDULER) >= 1);
            assertEquals(PARALLELISM, Scrape.value(text, "pulse_executor_max_threads", SCHEDULER), text);
            assertFalse(text.contains("VirtualThread.createDefaultScheduler"), text);
            assertFalse(text.contains(MAILERS), "not found before its next task\n" + text);
            Files.createFile(folder.resolve("release"));
            late.awaitStdout("app: released");
            // Found at a submit: the unnamed fetchers are named from where that submit is.
            late.awaitScrape(attachedPort, "the executors found at their next submit", body ->
                    Scrape.value(body, "pulse_executor_threads", MAILERS) == 1
                            && Scrape.value(body, "pulse_executor_threads", "executor=\"VirtualThreadsApp.main\"") == 1);
        }
    }
}
