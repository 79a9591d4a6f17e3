package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code java -jar pulse-agent.jar attach <pid> <config>}: classes loaded before the agent are retransformed. */
class AttachIT {

    private static final Path POOL_LIBS = Paths.get(System.getProperty("pulse.it.pool.libs", "target/pool-libs"));

    @Test
    void attachesToARunningJvmAndTimesAlreadyLoadedClasses() throws Exception {
        int port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(Files.createTempDirectory("pulse-it"),
                "pulse.service=attached",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.timer.jobs=dev.pulse.it.apps.Jobs#process");
        try (ForkedJvm app = ForkedJvm.start(List.of("-XX:+EnableDynamicAgentLoading"), Map.of(),
                List.of("-cp", ForkedJvm.APPS_CLASSPATH, "dev.pulse.it.apps.TargetApp"),
                "--loop", "--hold-ms", "120000")) {
            app.awaitStdout("app: ready");
            Process attach = new ProcessBuilder(ForkedJvm.JAVA.toString(), "-jar",
                    ForkedJvm.AGENT_JAR.toAbsolutePath().toString(), "attach", String.valueOf(app.pid()),
                    config.toString())
                    .redirectErrorStream(true)
                    .start();
            assertTrue(attach.waitFor(60, TimeUnit.SECONDS), "attach did not finish");
            String output = new String(attach.getInputStream().readAllBytes());
            assertEquals(0, attach.exitValue(), output);
            assertEquals("pulse: attached to " + app.pid() + "; its standard error shows the agent's start line",
                    output.trim());
            String scrape = app.awaitScrape(port, "calls of the already loaded Jobs class counted",
                    text -> Scrape.value(text, "pulse_processing_duration_seconds_count", "operation=\"jobs\"") > 0);
            assertTrue(scrape.contains("service=\"attached\""), scrape);
        }
    }

    /**
     * A static queue of a class that is loaded but not initialized when the agent attaches: the
     * agent must wait for the application to initialize it (its initializer fails if run sooner),
     * and sample it from then on.
     */
    @Test
    void aStaticQueueOfAClassNotYetInitializedIsSampledOnlyOnceTheServiceInitializesIt() throws Exception {
        Path folder = Files.createTempDirectory("pulse-it");
        int port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder,
                "pulse.service=lazy",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.sample.interval=100ms",
                "pulse.queue.jobs=dev.pulse.it.apps.LazyJobs#JOBS",
                "pulse.queue.assigned=dev.pulse.it.apps.AssignedJobs#jobs");
        Path go = folder.resolve("go");
        Path stop = folder.resolve("stop");
        List<String> main = List.of("-cp", ForkedJvm.APPS_CLASSPATH, "dev.pulse.it.apps.LazyQueueApp");
        List<String> withAgent;
        try (ForkedJvm app = ForkedJvm.start(List.of("-XX:+EnableDynamicAgentLoading"), Map.of(), main,
                go.toString(), stop.toString())) {
            app.awaitStdout("app: ready");
            attach(app, config);
            app.awaitScrape(port, "several sampling passes after the attach",
                    text -> Scrape.value(text, "pulse_sampler_duration_seconds_count") >= 5);
            String before = ForkedJvm.scrape(port);
            assertTrue(Scrape.samples(before, "pulse_queue_depth").isEmpty(),
                    "no depth for a queue whose class is not initialized yet\n" + before);

            Files.createFile(go);
            app.awaitStdout("app: jobs=");
            String after = app.awaitScrape(port, "the queue sampled once the service initialized its class",
                    text -> Scrape.value(text, "pulse_queue_depth", "queue_name=\"jobs\"") == 3);
            assertEquals(10, Scrape.value(after, "pulse_queue_capacity", "queue_name=\"jobs\""));
            // No static initializer, so no hook reports it: seen initialized through the JDK's check.
            app.awaitScrape(port, "the assigned queue sampled once its class is initialized",
                    text -> Scrape.value(text, "pulse_queue_depth", "queue_name=\"assigned\"") == 2);
            assertFalse(app.stderr().contains("cannot tell whether"), app::describe);
            Files.createFile(stop);
            assertEquals(0, app.awaitExit(), app::describe);
            withAgent = app.stdout().lines().collect(java.util.stream.Collectors.toList());
        }
        try (ForkedJvm plain = ForkedJvm.start(List.of(), Map.of(), main, go.toString(), stop.toString())) {
            assertEquals(0, plain.awaitExit(), plain::describe);
            assertEquals(plain.stdout().lines().collect(java.util.stream.Collectors.toList()), withAgent);
        }
    }

    private static void attach(ForkedJvm app, Path config) throws Exception {
        Process attach = new ProcessBuilder(ForkedJvm.JAVA.toString(), "-jar",
                ForkedJvm.AGENT_JAR.toAbsolutePath().toString(), "attach", String.valueOf(app.pid()),
                config.toString())
                .redirectErrorStream(true)
                .start();
        assertTrue(attach.waitFor(60, TimeUnit.SECONDS), "attach did not finish");
        String output = new String(attach.getInputStream().readAllBytes());
        assertEquals(0, attach.exitValue(), output);
    }

    @Test
    void findsPoolsAndQueueHoldersMadeBeforeTheAttachAndPassesTheCommandsProperties() throws Exception {
        int port = ForkedJvm.freePort();
        Path folder = Files.createTempDirectory("pulse-it");
        Path go = folder.resolve("go");
        Path config = ForkedJvm.writeConfig(folder,
                "pulse.service=from-the-file",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.pools.exclude=pulse:*",
                "pulse.queue.items=dev.pulse.it.apps.LateHolder#items",
                "pulse.sql.runs.query=SELECT 1 AS \"value\"",
                "pulse.sql.runs.pool=runs-db");
        try (ForkedJvm app = ForkedJvm.start(List.of("-XX:+EnableDynamicAgentLoading"), Map.of(),
                List.of("-cp", ForkedJvm.appsClasspathWith(org.h2.Driver.class), "dev.pulse.it.apps.LateAttachApp"),
                go.toString(), POOL_LIBS.toAbsolutePath().toString())) {
            app.awaitStdout("app: ready");
            Process attach = new ProcessBuilder(ForkedJvm.JAVA.toString(), "-Dpulse.service=from-the-command",
                    "-Dpulse.sample.interval=200ms", "-jar", ForkedJvm.AGENT_JAR.toAbsolutePath().toString(), "attach",
                    String.valueOf(app.pid()), config.toString())
                    .redirectErrorStream(true)
                    .start();
            if (!attach.waitFor(60, TimeUnit.SECONDS)) {
                // Seen rarely: keep the service's threads for whoever looks at it next.
                attach.destroyForcibly();
                throw new AssertionError("attach did not finish within 60 s; the service's threads:\n"
                        + threadDump(app.pid()) + "\n" + app.describe());
            }
            assertEquals(0, attach.exitValue(), new String(attach.getInputStream().readAllBytes()));
            app.awaitScrape(port);
            Files.createFile(go);
            app.awaitStdout("app: a holder made after the attach");
            String scrape = scrapeUntil(port, text -> Scrape.value(text, "pulse_sql_runs") == 1
                    && !Double.isNaN(Scrape.value(text, "pulse_db_pool_max", "pool=\"jdbc:h2:mem:late_dbcp2\""))
                    && Scrape.value(text, "pulse_queue_depth", "queue_name=\"items\"") == 4);
            assertEquals(1, Scrape.value(scrape, "pulse_sql_runs"), "runs-db found at its next use\n" + scrape);
            assertEquals(8, Scrape.value(scrape, "pulse_db_pool_max", "pool=\"jdbc:h2:mem:late_dbcp2\""), scrape);
            assertEquals(4, Scrape.value(scrape, "pulse_queue_depth", "queue_name=\"items\""),
                    "the holder made after the attach\n" + app.describe());
            assertEquals(10, Scrape.value(scrape, "pulse_db_pool_max", "pool=\"runs-db\""), scrape);
            assertTrue(Scrape.value(scrape, "pulse_db_pool_acquire_duration_seconds_count", "pool=\"runs-db\"") > 0);
            assertTrue(scrape.contains("service=\"from-the-command\""), "-Dpulse.* of the attach command win\n"
                    + scrape);
            assertTrue(app.agentLines().contains("pulse: pulse.queue.items: dev.pulse.it.apps.LateHolder was loaded"
                    + " before the agent: its instances made before are not seen, those made from now on are sampled"),
                    app.describe());
            assertEquals(List.of(), app.agentLines().stream().filter(line -> line.contains("Can not set")).toList());
        }
    }

    /** The first scrape that satisfies {@code condition}, else the last one after 30 s. */
    private static String scrapeUntil(int port, java.util.function.Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String text = ForkedJvm.scrape(port);
        while (!condition.test(text) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            text = ForkedJvm.scrape(port);
        }
        return text;
    }

    @Test
    void aPidThatIsNoProcessIsOneClearLine() throws Exception {
        // Process ids on Linux stay below 2^22; this one cannot be running.
        assertAttachFails(List.of("attach", "999999999"), 1, "pulse: cannot attach to 999999999: no such process");
    }

    @Test
    void aPidThatIsNoNumberIsOneClearLine() throws Exception {
        assertAttachFails(List.of("attach", "my-service"), 2,
                "pulse: cannot attach: expected a process id (a positive number), found \"my-service\"");
    }

    @Test
    void aMissingConfigFileIsReportedBeforeAttaching() throws Exception {
        Path missing = Files.createTempDirectory("pulse-it").resolve("missing.properties");
        assertAttachFails(List.of("attach", String.valueOf(ProcessHandle.current().pid()), missing.toString()), 1,
                "pulse: cannot attach to " + ProcessHandle.current().pid() + ": " + missing.toAbsolutePath()
                        + ": cannot read config file");
    }

    private static void assertAttachFails(List<String> args, int exitCode, String message) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(ForkedJvm.JAVA.toString(), "-jar",
                ForkedJvm.AGENT_JAR.toAbsolutePath().toString()));
        command.addAll(args);
        Process attach = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            assertTrue(attach.waitFor(60, TimeUnit.SECONDS), "attach did not finish");
            assertEquals(message, new String(attach.getInputStream().readAllBytes()).trim());
            assertEquals(exitCode, attach.exitValue());
        } finally {
            attach.destroyForcibly();
        }
    }

    @Test
    void attachWithoutAPidPrintsUsage() throws Exception {
        Process attach = new ProcessBuilder(ForkedJvm.JAVA.toString(), "-jar",
                ForkedJvm.AGENT_JAR.toAbsolutePath().toString(), "attach")
                .redirectErrorStream(true)
                .start();
        assertTrue(attach.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, attach.exitValue());
        assertEquals("usage: java -jar pulse-agent.jar attach <pid> [properties file]",
                new String(attach.getInputStream().readAllBytes()).trim());
    }

    /** The thread dump of a process this test started, by the JDK's jcmd, or why there is none. */
    private static String threadDump(long pid) {
        try {
            Process jcmd = new ProcessBuilder(ForkedJvm.JAVA.getParent().resolve("jcmd").toString(),
                    String.valueOf(pid), "Thread.print").redirectErrorStream(true).start();
            if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
                // Its attach listener is busy (with the agent's agentmain): SIGQUIT prints the dump
                // on the service's standard output instead.
                jcmd.destroyForcibly();
                new ProcessBuilder("kill", "-QUIT", String.valueOf(pid)).start().waitFor(10, TimeUnit.SECONDS);
                Thread.sleep(2000);
                return "(jcmd did not answer; SIGQUIT's dump is in the service's output below)";
            }
            return new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "(no thread dump: " + e + ")";
        }
    }
}
