package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * One JVM of a real Kotlin program (kotlinx-coroutines) holding known numbers of
 * Dispatchers.Default and Dispatchers.IO tasks busy: their one scheduler is exported as
 * "kotlin:DefaultDispatcher" with the threads that exist, the tasks running and waiting, its
 * maximum and the CPU its workers burnt; reading it starts no worker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KotlinDispatchersIT {

    private static final String POOL = "executor=\"kotlin:DefaultDispatcher\"";
    private static final int DEFAULT_BUSY = 2;
    private static final int IO_BUSY = 5;
    private static final int DEFAULT_QUEUED = 3;
    private static final Pattern HELD_WORKERS = Pattern.compile("app: held workers=(\\d+)");

    private ForkedJvm app;
    private int port;
    private Path go;
    private Path release;

    @BeforeAll
    void start() throws Exception {
        port = ForkedJvm.freePort();
        Path folder = Files.createTempDirectory("pulse-it");
        go = folder.resolve("go");
        release = folder.resolve("release");
        Path config = ForkedJvm.writeConfig(folder,
                "pulse.service=coroutines",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.sample.interval=200ms",
                "pulse.pools.exclude=pulse:*");
        List<String> flags = new java.util.ArrayList<>(ForkedJvm.agentFlags(config));
        flags.add("-Dkotlinx.coroutines.scheduler.core.pool.size=" + DEFAULT_BUSY);
        flags.add("-Dkotlinx.coroutines.scheduler.max.pool.size=100");
        app = ForkedJvm.start(flags, Map.of(),
                List.of("-cp", ForkedJvm.appsClasspathWith(kotlin.Unit.class, kotlinx.coroutines.Job.class),
                        "dev.pulse.it.apps.kotlin.DispatchersAppKt", go.toString(), release.toString()));
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    @Order(1)
    void aSchedulerWithNoTaskYetIsReadWithoutStartingAWorker() throws Exception {
        app.awaitStdout("app: dispatcher Dispatchers.Default, workers=0");
        String text = app.awaitScrape(port, "the scheduler found", body ->
                !Double.isNaN(Scrape.value(body, "pulse_executor_threads", POOL)));
        // Several passes read it before the program gives it a task.
        long passes = (long) Scrape.value(text, "pulse_sampler_duration_seconds_count");
        text = app.awaitScrape(port, "three more passes", body ->
                Scrape.value(body, "pulse_sampler_duration_seconds_count") >= passes + 3);
        Files.createFile(go);
        app.awaitStdout("app: workers before any task=");
        assertTrue(app.stdout().contains("app: workers before any task=0"), app.describe());
        assertEquals(0, Scrape.value(text, "pulse_executor_threads", POOL), text);
        assertEquals(0, Scrape.value(text, "pulse_executor_active_threads", POOL), text);
        assertEquals(0, Scrape.value(text, "pulse_executor_queued_tasks", POOL), text);
    }

    @Test
    @Order(2)
    void defaultAndIoTasksShowAsTheOneSchedulersBusyThreadsAndQueue() throws Exception {
        app.awaitStdout("app: held workers=");
        Matcher held = HELD_WORKERS.matcher(app.stdout());
        assertTrue(held.find(), app.stdout());
        int workers = Integer.parseInt(held.group(1));
        assertTrue(workers >= DEFAULT_BUSY + IO_BUSY, app.stdout());
        String text = app.awaitScrape(port, "the held tasks read", body ->
                Scrape.value(body, "pulse_executor_threads", POOL) == workers
                        && Scrape.value(body, "pulse_executor_active_threads", POOL) == DEFAULT_BUSY + IO_BUSY
                        && Scrape.value(body, "pulse_executor_queued_tasks", POOL) == DEFAULT_QUEUED);
        assertEquals(100, Scrape.value(text, "pulse_executor_max_threads", POOL), text);
        // The scheduler counts neither idle workers apart, nor completed or rejected tasks.
        assertTrue(Double.isNaN(Scrape.value(text, "pulse_executor_idle_threads", POOL)), text);
        assertTrue(Double.isNaN(Scrape.value(text, "pulse_executor_completed_tasks_total", POOL)), text);
        assertTrue(Double.isNaN(Scrape.value(text, "pulse_executor_rejected_tasks_total", POOL)), text);
        // Two workers burnt 0.3 s of CPU each before waiting.
        assertTrue(Scrape.value(text, "pulse_executor_cpu_seconds_total", POOL) >= 0.4, text);
        assertTrue(Scrape.value(text, "pulse_executor_allocated_bytes_total", POOL) > 0, text);
        assertTrue(Scrape.samples(text, "pulse_executor_threads{").stream()
                .noneMatch(line -> line.contains("Dispatchers.IO") || line.contains("DefaultDispatcher-worker")), text);
    }

    @Test
    @Order(3)
    void releasedTasksLeaveTheSchedulerIdle() throws Exception {
        Files.createFile(release);
        app.awaitStdout("app: released");
        String text = app.awaitScrape(port, "the tasks done", body ->
                Scrape.value(body, "pulse_executor_active_threads", POOL) == 0
                        && Scrape.value(body, "pulse_executor_queued_tasks", POOL) == 0);
        assertTrue(Scrape.value(text, "pulse_executor_threads", POOL) >= 1, text);
        assertEquals(List.of("pulse: started 0 timers, 0 queues, 0 SQL gauges; metrics on http://127.0.0.1:" + port
                + "/metrics"), app.agentLines());
    }
}
