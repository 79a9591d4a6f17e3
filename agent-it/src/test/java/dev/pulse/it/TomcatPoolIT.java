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
 * A plain Spring Boot application on its embedded Tomcat: the connector's executor
 * ({@code org.apache.tomcat.util.threads.ThreadPoolExecutor}, threads
 * "http-nio-127.0.0.1-PORT-exec-N" for a connector bound to 127.0.0.1) is exported as
 * "http-nio-127.0.0.1-PORT-exec" with the figures of Tomcat's own getters, printed by the app:
 * idle, with requests held busy past its maximum (some queued), after they finish; its CPU
 * counter grows with a request that burns CPU; it has no idle figure; once the server stops, its
 * series go. Found with the agent at start, and after an attach to a service whose pool was made
 * and used before.
 */
class TomcatPoolIT {

    private static final String APP = "dev.pulse.it.apps.web.boot.SpringBootWebApp";
    /** Spring Boot starts in seconds, but in 20 s and more on a loaded 2-core machine. */
    private static final java.time.Duration BOOT_START = java.time.Duration.ofSeconds(120);

    static String classpath() throws Exception {
        return ForkedJvm.appsClasspathWith(
                org.springframework.boot.SpringApplication.class,
                org.springframework.boot.autoconfigure.SpringBootApplication.class,
                org.springframework.core.SpringVersion.class,
                org.apache.commons.logging.LogFactory.class,
                org.springframework.beans.factory.BeanFactory.class,
                org.springframework.context.ApplicationContext.class,
                org.springframework.aop.framework.ProxyFactory.class,
                org.springframework.expression.ExpressionParser.class,
                org.springframework.web.bind.annotation.RestController.class,
                org.springframework.web.servlet.DispatcherServlet.class,
                org.apache.catalina.startup.Tomcat.class,
                jakarta.annotation.PostConstruct.class,
                io.micrometer.observation.Observation.class,
                io.micrometer.common.KeyValue.class);
    }

    static List<String> bootArguments(Path folder, int port) {
        return List.of(folder.toString(), "--server.port=" + port, "--server.address=127.0.0.1",
                "--server.tomcat.threads.max=4", "--server.tomcat.threads.min-spare=1",
                "--spring.main.banner-mode=off", "--logging.level.root=warn");
    }

    @Test
    void theConnectorsExecutorReadsAsTomcatDoes() throws Exception {
        Path folder = Files.createTempDirectory("pulse-it");
        int port = ForkedJvm.freePort();
        int metrics = ForkedJvm.freePort();
        // A timer on every Executor's execute, Tomcat's among them, which the agent already hooks.
        Path config = ForkedJvm.writeConfig(folder, "pulse.service=boot", "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + metrics, "pulse.sample.interval=200ms",
                "pulse.timer.any_execute=java.util.concurrent.Executor+#execute");
        // Tomcat names its connector, and so its executor's threads, after the address it is bound to.
        String executor = "http-nio-127.0.0.1-" + port + "-exec";
        String label = "executor=\"" + executor + "\"";
        try (ForkedJvm app = ForkedJvm.start(ForkedJvm.agentFlags(config), Map.of(),
                List.of("-cp", classpath(), APP), bootArguments(folder, port).toArray(new String[0]))) {
            app.await("the application to start", BOOT_START, () -> app.stdout().contains("app: ready"));
            assertTrue(app.stdout().contains("app: executor org.apache.tomcat.util.threads.TaskThreadFactory"),
                    app.describe());
            String idle = WebPools.awaitMatch(app, metrics, executor, f -> f.get("active") == 0,
                    "the idle executor's series to equal Tomcat's figures");
            assertEquals(4, Scrape.value(idle, "pulse_executor_max_threads", label), idle);
            assertTrue(Scrape.value(idle, "pulse_processing_duration_seconds_count", "operation=\"any_execute\"") >= 1,
                    idle);
            assertTrue(Double.isNaN(Scrape.value(idle, "pulse_executor_idle_threads", label)),
                    "Tomcat does not count its idle threads: absent, not 0\n" + WebPools.lines(idle, label));
            assertEquals(0, Scrape.value(idle, "pulse_executor_rejected_tasks_total", label), idle);

            List<CompletableFuture<HttpResponse<String>>> held = WebPools.send(port, "/hold", 6);
            String busy = WebPools.awaitMatch(app, metrics, executor,
                    f -> f.get("active") == 4 && f.get("queued") == 2,
                    "4 requests running and 2 queued, as Tomcat reads them");
            assertEquals(4, Scrape.value(busy, "pulse_executor_threads", label), busy);
            long completedBefore = WebPools.figures(app).get("completed");
            WebPools.release(app, folder, held);
            String done = WebPools.awaitMatch(app, metrics, executor,
                    f -> f.get("active") == 0 && f.get("completed") >= completedBefore + 6,
                    "the released requests completed, as Tomcat counts them");
            assertEquals(0, Scrape.value(done, "pulse_executor_queued_tasks", label), done);

            double cpuBefore = Scrape.value(done, "pulse_executor_cpu_seconds_total", label);
            assertEquals(200, WebPools.send(port, "/burn", 1).get(0).get(60, TimeUnit.SECONDS).statusCode());
            app.awaitScrape(metrics, "the executor's CPU time to grow by the 0.3 s a request burnt",
                    text -> Scrape.value(text, "pulse_executor_cpu_seconds_total", label) >= cpuBefore + 0.29);
            WebPools.stopAndAwaitGone(app, folder, metrics, executor);
        }
    }

    @Test
    void anExecutorMadeAndUsedBeforeAnAttachIsFoundAtItsNextRequest() throws Exception {
        Path folder = Files.createTempDirectory("pulse-it");
        int port = ForkedJvm.freePort();
        int metrics = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder, "pulse.service=boot", "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + metrics, "pulse.sample.interval=200ms");
        // Tomcat names its connector, and so its executor's threads, after the address it is bound to.
        String executor = "http-nio-127.0.0.1-" + port + "-exec";
        try (ForkedJvm app = ForkedJvm.start(List.of("-XX:+EnableDynamicAgentLoading"), Map.of(),
                List.of("-cp", classpath(), APP), bootArguments(folder, port).toArray(new String[0]))) {
            app.await("the application to start", BOOT_START, () -> app.stdout().contains("app: ready"));
            assertEquals(200, WebPools.send(port, "/burn", 1).get(0).get(60, TimeUnit.SECONDS).statusCode());
            attach(app, config);
            List<CompletableFuture<HttpResponse<String>>> held = WebPools.send(port, "/hold", 2);
            WebPools.awaitMatch(app, metrics, executor, f -> f.get("active") == 2,
                    "the executor made before the attach to be found at its next request");
            WebPools.release(app, folder, held);
            Files.createFile(folder.resolve("exit"));
            app.awaitExit();
        }
    }

    static void attach(ForkedJvm app, Path config) throws Exception {
        Process attach = new ProcessBuilder(ForkedJvm.JAVA.toString(), "-jar",
                ForkedJvm.AGENT_JAR.toAbsolutePath().toString(), "attach", String.valueOf(app.pid()),
                config.toAbsolutePath().toString()).redirectErrorStream(true).start();
        assertTrue(attach.waitFor(60, TimeUnit.SECONDS), "attach did not finish");
        String output = new String(attach.getInputStream().readAllBytes());
        assertEquals(0, attach.exitValue(), output);
    }
}
