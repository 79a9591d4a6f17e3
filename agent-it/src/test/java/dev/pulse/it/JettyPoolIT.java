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
 * A Jetty 12 server on its default QueuedThreadPool (threads "qtp&lt;hash&gt;-N", exported as
 * "qtp"): threads, busy (its acceptor and selector included), ready (idle and reserved), max and
 * queued jobs equal Jetty's own getters, idle, with more requests held busy than it has threads
 * (jobs queued), and after they finish; it counts no completed or rejected tasks, so those are
 * absent; its CPU counter grows with a request that burns CPU; once the server stops, its series
 * go. Found with the agent at start, and after an attach.
 */
class JettyPoolIT {

    private static final String APP = "dev.pulse.it.apps.web.JettyWebApp";

    static String classpath() throws Exception {
        return ForkedJvm.appsClasspathWith(
                org.eclipse.jetty.server.Server.class,
                org.eclipse.jetty.http.HttpField.class,
                org.eclipse.jetty.io.EndPoint.class,
                org.eclipse.jetty.util.thread.QueuedThreadPool.class,
                org.slf4j.LoggerFactory.class);
    }

    @Test
    void theQueuedThreadPoolReadsAsJettyDoes() throws Exception {
        Path folder = Files.createTempDirectory("pulse-it");
        int port = ForkedJvm.freePort();
        int metrics = ForkedJvm.freePort();
        // A timer on the method the agent already hooks to find the pool: both hooks nest.
        Path config = ForkedJvm.writeConfig(folder, "pulse.service=jetty", "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + metrics, "pulse.sample.interval=200ms",
                "pulse.timer.jetty_execute=org.eclipse.jetty.util.thread.QueuedThreadPool#execute");
        String label = "executor=\"qtp\"";
        try (ForkedJvm app = ForkedJvm.start(ForkedJvm.agentFlags(config), Map.of(),
                List.of("-cp", classpath(), APP), folder.toString(), String.valueOf(port))) {
            app.awaitStdout("app: ready");
            assertEquals(200, WebPools.send(port, "/burn", 1).get(0).get(60, TimeUnit.SECONDS).statusCode());
            String idle = WebPools.awaitMatch(app, metrics, "qtp",
                    f -> f.get("threads") == f.get("active") + f.get("idle") && f.get("queued") == 0,
                    "the idle pool's series to equal Jetty's figures");
            assertEquals(8, Scrape.value(idle, "pulse_executor_max_threads", label), idle);
            assertTrue(Scrape.value(idle, "pulse_processing_duration_seconds_count", "operation=\"jetty_execute\"") >= 1,
                    idle);
            assertTrue(Scrape.value(idle, "pulse_executor_active_threads", label) >= 2,
                    "its acceptor and selector are busy for as long as it runs\n" + WebPools.lines(idle, label));
            for (String absent : List.of("pulse_executor_completed_tasks_total", "pulse_executor_rejected_tasks_total")) {
                assertTrue(Double.isNaN(Scrape.value(idle, absent, label)),
                        "Jetty does not count them: absent, not 0\n" + WebPools.lines(idle, label));
            }
            app.awaitScrape(metrics, "the pool's CPU time to hold the 0.3 s a request burnt",
                    text -> Scrape.value(text, "pulse_executor_cpu_seconds_total", label) >= 0.29);

            List<CompletableFuture<HttpResponse<String>>> held = WebPools.send(port, "/hold", 10);
            String busy = WebPools.awaitMatch(app, metrics, "qtp",
                    f -> f.get("threads") == 8 && f.get("queued") > 0,
                    "every thread started and jobs queued, as Jetty reads them");
            // A reserved thread waits only for the jobs handed to it directly, so it stays ready
            // (idle) while jobs queue: busy is every thread less the ready ones.
            assertEquals(8, Scrape.value(busy, "pulse_executor_active_threads", label)
                    + Scrape.value(busy, "pulse_executor_idle_threads", label), busy);
            WebPools.release(app, folder, held);
            WebPools.awaitMatch(app, metrics, "qtp", f -> f.get("queued") == 0 && f.get("active") < 8,
                    "the released requests done, as Jetty reads them");
            WebPools.stopAndAwaitGone(app, folder, metrics, "qtp");
        }
    }

    @Test
    void aPoolStartedBeforeAnAttachIsFoundAtItsNextJob() throws Exception {
        Path folder = Files.createTempDirectory("pulse-it");
        int port = ForkedJvm.freePort();
        int metrics = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder, "pulse.service=jetty", "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + metrics, "pulse.sample.interval=200ms");
        try (ForkedJvm app = ForkedJvm.start(List.of("-XX:+EnableDynamicAgentLoading"), Map.of(),
                List.of("-cp", classpath(), APP), folder.toString(), String.valueOf(port))) {
            app.awaitStdout("app: ready");
            TomcatPoolIT.attach(app, config);
            List<CompletableFuture<HttpResponse<String>>> held = WebPools.send(port, "/hold", 2);
            WebPools.awaitMatch(app, metrics, "qtp", f -> f.get("active") >= 4,
                    "the pool started before the attach to be found at its next job");
            WebPools.release(app, folder, held);
            Files.createFile(folder.resolve("exit"));
            app.awaitExit();
        }
    }
}
