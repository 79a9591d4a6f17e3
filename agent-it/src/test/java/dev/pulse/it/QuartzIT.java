package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One JVM of QuartzApp, a real Quartz scheduler whose SimpleThreadPool runs three jobs held on
 * a latch: the pool is found with no configuration, named by its workers, and read as the
 * scheduler counts it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuartzIT {

    private static final Pattern FIGURES = Pattern.compile("app: quartz executing=(\\d+) threads=(\\d+) max=(\\d+)");
    private static final String POOL = "executor=\"Reports_Worker\"";

    private ForkedJvm app;
    private String scrape;
    private long executing;
    private long threads;
    private long max;

    @BeforeAll
    void start() throws Exception {
        int port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(Files.createTempDirectory("pulse-it"),
                "pulse.service=quartz",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.sample.interval=200ms");
        app = ForkedJvm.start(ForkedJvm.agentFlags(config), Map.of(),
                List.of("-cp", ForkedJvm.appsClasspathWith(org.quartz.Scheduler.class, org.slf4j.LoggerFactory.class),
                        "dev.pulse.it.apps.QuartzApp"));
        app.awaitStdout("app: quartz ready");
        Matcher matcher = FIGURES.matcher(app.stdout());
        assertTrue(matcher.find(), app.describe());
        executing = Long.parseLong(matcher.group(1));
        threads = Long.parseLong(matcher.group(2));
        max = Long.parseLong(matcher.group(3));
        scrape = app.awaitScrape(port, "the pool read as the scheduler counts it", text ->
                Scrape.value(text, "pulse_executor_active_threads", POOL) == executing
                        && Scrape.value(text, "pulse_executor_threads", POOL) == threads
                        && Scrape.value(text, "pulse_executor_cpu_seconds_total", POOL) >= 0.8);
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void theLoadIsWhatTheAppMeant() {
        assertEquals(List.of(3L, 4L, 4L), List.of(executing, threads, max), app.stdout());
    }

    @Test
    void threadsBusyIdleAndMaxAreTheSchedulersOwn() {
        assertEquals(threads, Scrape.value(scrape, "pulse_executor_threads", POOL), scrape);
        assertEquals(executing, Scrape.value(scrape, "pulse_executor_active_threads", POOL));
        assertEquals(threads - executing, Scrape.value(scrape, "pulse_executor_idle_threads", POOL));
        assertEquals(max, Scrape.value(scrape, "pulse_executor_max_threads", POOL));
    }

    @Test
    void whatThePoolDoesNotCountIsAbsent() {
        for (String metric : List.of("pulse_executor_queued_tasks", "pulse_executor_completed_tasks_total",
                "pulse_executor_rejected_tasks_total")) {
            assertTrue(Double.isNaN(Scrape.value(scrape, metric, POOL)), metric + "\n" + scrape);
        }
    }

    @Test
    void theWorkersCpuIsCounted() {
        assertTrue(Scrape.value(scrape, "pulse_executor_cpu_seconds_total", POOL) >= 0.8,
                "three jobs burnt 300 ms each\n" + scrape);
    }

    /** A pool made before an attach is found when the scheduler hands it its next job. */
    @Test
    void aPoolMadeBeforeAnAttachIsFoundAtItsNextJob() throws Exception {
        int port = ForkedJvm.freePort();
        Path folder = Files.createTempDirectory("pulse-it");
        Path config = ForkedJvm.writeConfig(folder,
                "pulse.service=quartz-attached",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.sample.interval=200ms");
        Path go = folder.resolve("go");
        try (ForkedJvm late = ForkedJvm.start(List.of(), Map.of(),
                List.of("-cp", ForkedJvm.appsClasspathWith(org.quartz.Scheduler.class, org.slf4j.LoggerFactory.class),
                        "dev.pulse.it.apps.QuartzApp"), go.toString())) {
            late.awaitStdout("app: quartz ready");
            Process attach = new ProcessBuilder(ForkedJvm.JAVA.toString(), "-jar",
                    ForkedJvm.AGENT_JAR.toAbsolutePath().toString(), "attach", String.valueOf(late.pid()),
                    config.toString()).redirectErrorStream(true).start();
            assertTrue(attach.waitFor(60, TimeUnit.SECONDS), "attach did not finish");
            assertEquals(0, attach.exitValue(), new String(attach.getInputStream().readAllBytes()));
            late.awaitScrape(port);
            Files.createFile(go);
            late.awaitStdout("app: quartz late ready");
            assertTrue(late.stdout().contains("app: quartz late executing=4 threads=4 max=4"), late.stdout());
            String text = late.awaitScrape(port, "the pool found at its next job", body ->
                    Scrape.value(body, "pulse_executor_active_threads", POOL) == 4);
            assertEquals(4, Scrape.value(text, "pulse_executor_threads", POOL), text);
            assertEquals(0, Scrape.value(text, "pulse_executor_idle_threads", POOL), text);
            assertEquals(4, Scrape.value(text, "pulse_executor_max_threads", POOL), text);
        }
    }

    @Test
    void readingNeverFailed() {
        assertTrue(app.agentLines().stream().noneMatch(line -> line.contains("executor")), app.describe());
    }
}
