package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * An embedded Tomcat deploys and undeploys a web application again and again; the application
 * has a timed method, a queue in an instance field, a HikariCP pool and an executor, all used
 * and sampled before each undeploy. Afterwards no class loader of the application may be left:
 * the agent holds what it watches weakly, values of its caches included.
 */
class RedeployIT {

    private static final int ROUNDS = 20;
    private static final String WEBAPP_PACKAGE = "dev/pulse/it/webapp";
    private static final String WEBAPP_LOADER = "org.apache.catalina.loader.ParallelWebappClassLoader";

    @Test
    void undeployedWebApplicationsLeaveNoClassLoaderBehind() throws Exception {
        Path folder = Files.createTempDirectory("pulse-it");
        Path webapp = webapp(folder.resolve("webapp"));
        int port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder,
                "pulse.service=redeploy",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.sample.interval=200ms",
                "pulse.timer.inbox=dev.pulse.it.webapp.Inbox#drain",
                "pulse.queue.inbox=dev.pulse.it.webapp.Inbox#items");
        String classpath = ForkedJvm.appsClasspathWith(org.apache.catalina.startup.Tomcat.class,
                jakarta.annotation.PostConstruct.class, org.h2.Driver.class);
        Path stop = folder.resolve("stop");
        try (ForkedJvm app = ForkedJvm.start(ForkedJvm.agentFlags(config), Map.of(),
                List.of("-cp", classpath, "dev.pulse.it.apps.RedeployApp"),
                "--webapp", webapp.toString(), "--rounds", String.valueOf(ROUNDS),
                "--metrics-port", String.valueOf(port), "--stop-file", stop.toString())) {
            awaitReady(app);
            assertTrue(app.stdout().contains("app: rounds=" + ROUNDS + " answered=" + ROUNDS * 5 + " of " + ROUNDS * 5),
                    app::describe);
            assertTrue(app.stdout().contains("app: web application loaders alive=0 of " + ROUNDS), app::describe);

            String histogram = classHistogram(app.pid());
            List<String> left = histogram.lines()
                    .filter(line -> line.contains(WEBAPP_LOADER) || line.contains(WEBAPP_PACKAGE.replace('/', '.')))
                    .collect(Collectors.toList());
            assertEquals(List.of(), left, "live objects of the undeployed applications");

            String scrape = app.awaitScrape(port, "no queue depth once every holder is gone",
                    text -> Double.isNaN(Scrape.value(text, "pulse_queue_depth", "queue_name=\"inbox\"")));
            assertEquals(ROUNDS * 5, Scrape.value(scrape, "pulse_processing_duration_seconds_count",
                    "operation=\"inbox\""));
            Files.createFile(stop);
            assertEquals(0, app.awaitExit(), app::describe);
        }
    }

    /** The rounds take longer than ForkedJvm's default wait on a loaded machine. */
    private static void awaitReady(ForkedJvm app) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!app.stdout().contains("app: ready")) {
            if (!app.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the service did not get ready\n" + app.describe());
            }
            Thread.sleep(100);
        }
    }

    /** The web application's folder: its classes in WEB-INF/classes, HikariCP in WEB-INF/lib. */
    private static Path webapp(Path root) throws IOException {
        Path classes = root.resolve("WEB-INF/classes");
        Path source = Paths.get(ForkedJvm.APPS_CLASSPATH).resolve(WEBAPP_PACKAGE);
        Files.createDirectories(classes.resolve(WEBAPP_PACKAGE));
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, classes.resolve(WEBAPP_PACKAGE).resolve(file.getFileName()));
            }
        }
        Path lib = Files.createDirectories(root.resolve("WEB-INF/lib"));
        try (Stream<Path> jars = Files.list(Paths.get(System.getProperty("pulse.it.webapp.libs", "target/webapp-libs")))) {
            for (Path jar : (Iterable<Path>) jars::iterator) {
                Files.copy(jar, lib.resolve(jar.getFileName()));
            }
        }
        return root;
    }

    /** {@code jcmd <pid> GC.class_histogram}: the live objects by class, after a full collection. */
    private static String classHistogram(long pid) throws Exception {
        Path jcmd = ForkedJvm.JAVA.resolveSibling("jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "GC.class_histogram")
                .redirectErrorStream(true)
                .start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "jcmd did not finish");
        String text = new String(output);
        assertEquals(0, process.exitValue(), text);
        assertTrue(text.contains("java.lang.String"), text);
        return text;
    }
}
