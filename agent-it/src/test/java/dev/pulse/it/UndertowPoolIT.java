package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An Undertow server: its XNIO worker's task pool (JBoss Threads' EnhancedQueueExecutor, threads
 * "XNIO-1 task-N", exported as "XNIO-1 task") reads as the worker's own MXBean reads it: threads,
 * busy, max and queued, idle and with more requests held busy than it has threads; its CPU
 * counter grows with a request that burns CPU; once the server stops, its series go. The
 * executor counts busy threads and completed tasks only when asked to by a system property:
 * without it those series are absent, not 0.
 */
class UndertowPoolIT {

    private static final String APP = "dev.pulse.it.apps.web.UndertowWebApp";
    private static final String EXECUTOR = "XNIO-1 task";
    private static final String LABEL = "executor=\"" + EXECUTOR + "\"";

    static String classpath() throws Exception {
        return ForkedJvm.appsClasspathWith(
                io.undertow.Undertow.class,
                org.xnio.Xnio.class,
                org.xnio.nio.NioXnioProvider.class,
                org.jboss.logging.Logger.class,
                org.wildfly.common.Assert.class,
                org.wildfly.client.config.ClientConfiguration.class,
                org.jboss.threads.EnhancedQueueExecutor.class,
                io.smallrye.common.annotation.NonBlocking.class,
                io.smallrye.common.constraint.Assert.class,
                io.smallrye.common.cpu.CacheInfo.class,
                io.smallrye.common.function.ExceptionConsumer.class);
    }

    @Test
    void theWorkersTaskPoolReadsAsXnioDoes() throws Exception {
        Path folder = Files.createTempDirectory("pulse-it");
        int port = ForkedJvm.freePort();
        int metrics = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder, "pulse.service=undertow", "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + metrics, "pulse.sample.interval=200ms");
        List<String> flags = new java.util.ArrayList<>(ForkedJvm.agentFlags(config));
        flags.add("-Djboss.threads.eqe.statistics=true");
        try (ForkedJvm app = ForkedJvm.start(flags, Map.of(), List.of("-cp", classpath(), APP), folder.toString(),
                String.valueOf(port))) {
            app.awaitStdout("app: ready");
            assertEquals(200, WebPools.send(port, "/burn", 1).get(0).get(60, TimeUnit.SECONDS).statusCode());
            String idle = WebPools.awaitMatch(app, metrics, EXECUTOR, f -> f.get("active") == 0,
                    "the idle pool's series to equal the worker's figures");
            assertEquals(4, Scrape.value(idle, "pulse_executor_max_threads", LABEL), idle);
            assertTrue(Scrape.value(idle, "pulse_executor_completed_tasks_total", LABEL) >= 1, idle);
            assertTrue(Double.isNaN(Scrape.value(idle, "pulse_executor_idle_threads", LABEL)),
                    "it does not count idle threads: absent, not 0\n" + WebPools.lines(idle, LABEL));
            app.awaitScrape(metrics, "the pool's CPU time to hold the 0.3 s a request burnt",
                    text -> Scrape.value(text, "pulse_executor_cpu_seconds_total", LABEL) >= 0.29);

            List<CompletableFuture<HttpResponse<String>>> held = WebPools.send(port, "/hold", 6);
            String busy = WebPools.awaitMatch(app, metrics, EXECUTOR,
                    f -> f.get("active") == 4 && f.get("queued") == 2,
                    "4 requests running and 2 queued, as the worker reads them");
            assertEquals(4, Scrape.value(busy, "pulse_executor_threads", LABEL), busy);
            WebPools.release(app, folder, held);
            WebPools.awaitMatch(app, metrics, EXECUTOR, f -> f.get("active") == 0 && f.get("queued") == 0,
                    "the released requests done, as the worker reads them");
            WebPools.stopAndAwaitGone(app, folder, metrics, EXECUTOR);
        }
    }

    @Test
    void withoutItsStatisticsTheBusyAndCompletedCountsAreAbsent() throws Exception {
        Path folder = Files.createTempDirectory("pulse-it");
        int port = ForkedJvm.freePort();
        int metrics = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder, "pulse.service=undertow", "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + metrics, "pulse.sample.interval=200ms");
        try (ForkedJvm app = ForkedJvm.start(ForkedJvm.agentFlags(config), Map.of(),
                List.of("-cp", classpath(), APP), folder.toString(), String.valueOf(port))) {
            app.awaitStdout("app: ready");
            List<CompletableFuture<HttpResponse<String>>> held = WebPools.send(port, "/hold", 2);
            String busy = WebPools.awaitMatch(app, metrics, EXECUTOR, f -> f.get("active") == -1
                    && f.get("threads") == 2, "two threads, and the worker's busy count unknown (-1)");
            for (String absent : List.of("pulse_executor_active_threads", "pulse_executor_completed_tasks_total",
                    "pulse_executor_rejected_tasks_total")) {
                assertTrue(Double.isNaN(Scrape.value(busy, absent, LABEL)),
                        absent + " is not counted: absent, not -1 or 0\n" + WebPools.lines(busy, LABEL));
            }
            WebPools.release(app, folder, held);
            Files.createFile(folder.resolve("exit"));
            app.awaitExit();
        }
    }
}
