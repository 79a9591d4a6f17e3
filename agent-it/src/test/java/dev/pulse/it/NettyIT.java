package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
 * One JVM of NettyApp, a real Netty 4.2 server with boss, I/O and business groups held busy
 * with tasks queued behind them: each group is found with no configuration, named by its
 * threads, and read as Netty itself reads it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NettyIT {

    private static final Pattern FIGURES = Pattern.compile("app: netty (\\w+) threads=(\\d+) pending=(\\d+) max=(\\d+)");
    private static final Pattern LATE = Pattern.compile("app: netty late (\\w+) threads=(\\d+) pending=(\\d+) max=(\\d+)");
    /** The app's group roles and the executor each is exported as. */
    private static final Map<String, String> EXECUTORS = Map.of(
            "boss", "nioEventLoopGroup",
            "io", "io",
            "business", "business");

    private ForkedJvm app;
    private String scrape;
    private final Map<String, long[]> netty = new HashMap<>();

    @BeforeAll
    void start() throws Exception {
        int port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(Files.createTempDirectory("pulse-it"),
                "pulse.service=netty",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.sample.interval=200ms");
        app = ForkedJvm.start(ForkedJvm.agentFlags(config), Map.of(),
                List.of("-cp", ForkedJvm.appsClasspathWith(io.netty.channel.Channel.class,
                        io.netty.util.concurrent.EventExecutor.class, io.netty.buffer.ByteBuf.class,
                        io.netty.resolver.AddressResolver.class), "dev.pulse.it.apps.NettyApp"));
        app.awaitStdout("app: netty ready");
        Matcher matcher = FIGURES.matcher(app.stdout());
        while (matcher.find()) {
            netty.put(matcher.group(1), new long[] {Long.parseLong(matcher.group(2)), Long.parseLong(matcher.group(3)),
                    Long.parseLong(matcher.group(4))});
        }
        assertEquals(EXECUTORS.keySet(), netty.keySet(), app.describe());
        scrape = app.awaitScrape(port, "each group read as Netty reads it", text -> {
            for (Map.Entry<String, String> group : EXECUTORS.entrySet()) {
                String label = "executor=\"" + group.getValue() + "\"";
                long[] expected = netty.get(group.getKey());
                if (Scrape.value(text, "pulse_executor_threads", label) != expected[0]
                        || Scrape.value(text, "pulse_executor_queued_tasks", label) != expected[1]
                        || Scrape.value(text, "pulse_executor_max_threads", label) != expected[2]) {
                    return false;
                }
            }
            return Scrape.value(text, "pulse_executor_cpu_seconds_total", "executor=\"business\"") >= 0.5;
        });
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void theLoadIsWhatTheAppMeant() {
        assertTrue(app.stdout().contains("boss thread nioEventLoopGroup-"), "Netty's default names\n" + app.stdout());
        assertEquals(List.of(1L, 0L, 1L), List.of(netty.get("boss")[0], netty.get("boss")[1], netty.get("boss")[2]));
        assertEquals(2, netty.get("io")[0], "a thread per connection; the third child never started");
        assertEquals(3, netty.get("io")[2]);
        assertTrue(netty.get("io")[1] >= 4, "four tasks behind the held loop");
        assertEquals(2, netty.get("business")[0]);
        assertEquals(4, netty.get("business")[2]);
        assertTrue(netty.get("business")[1] >= 5, "five tasks behind the held handlers");
    }

    @Test
    void eachGroupGivesItsStartedThreadsPendingTasksAndSize() {
        for (Map.Entry<String, String> group : EXECUTORS.entrySet()) {
            String label = "executor=\"" + group.getValue() + "\"";
            long[] expected = netty.get(group.getKey());
            assertEquals(expected[0], Scrape.value(scrape, "pulse_executor_threads", label), label + "\n" + scrape);
            assertEquals(expected[1], Scrape.value(scrape, "pulse_executor_queued_tasks", label), label);
            assertEquals(expected[2], Scrape.value(scrape, "pulse_executor_max_threads", label), label);
        }
    }

    @Test
    void whatNettyDoesNotCountIsAbsent() {
        for (String executor : EXECUTORS.values()) {
            String label = "executor=\"" + executor + "\"";
            for (String metric : List.of("pulse_executor_active_threads", "pulse_executor_idle_threads",
                    "pulse_executor_completed_tasks_total", "pulse_executor_rejected_tasks_total")) {
                assertTrue(Double.isNaN(Scrape.value(scrape, metric, label)), metric + " " + label + "\n" + scrape);
            }
        }
    }

    @Test
    void theBusinessThreadsCpuIsCounted() {
        assertTrue(Scrape.value(scrape, "pulse_executor_cpu_seconds_total", "executor=\"business\"") >= 0.5,
                "two handlers burnt 300 ms each\n" + scrape);
        assertTrue(Scrape.value(scrape, "pulse_executor_allocated_bytes_total", "executor=\"io\"") >= 0, scrape);
    }

    /**
     * Groups made before an attach are found at their next use: a new connection goes through
     * the I/O group's and the business group's next(). (The boss group's next() runs only at a
     * bind, so a server bound before the attach keeps its boss group unseen.)
     */
    @Test
    void groupsMadeBeforeAnAttachAreFoundAtTheirNextUse() throws Exception {
        int port = ForkedJvm.freePort();
        Path folder = Files.createTempDirectory("pulse-it");
        Path config = ForkedJvm.writeConfig(folder,
                "pulse.service=netty-attached",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.sample.interval=200ms");
        Path go = folder.resolve("go");
        try (ForkedJvm late = ForkedJvm.start(List.of(), Map.of(),
                List.of("-cp", ForkedJvm.appsClasspathWith(io.netty.channel.Channel.class,
                        io.netty.util.concurrent.EventExecutor.class, io.netty.buffer.ByteBuf.class,
                        io.netty.resolver.AddressResolver.class), "dev.pulse.it.apps.NettyApp"), go.toString())) {
            late.awaitStdout("app: netty ready");
            Process attach = new ProcessBuilder(ForkedJvm.JAVA.toString(), "-jar",
                    ForkedJvm.AGENT_JAR.toAbsolutePath().toString(), "attach", String.valueOf(late.pid()),
                    config.toString()).redirectErrorStream(true).start();
            assertTrue(attach.waitFor(60, TimeUnit.SECONDS), "attach did not finish");
            assertEquals(0, attach.exitValue(), new String(attach.getInputStream().readAllBytes()));
            late.awaitScrape(port);
            Files.createFile(go);
            late.awaitStdout("app: netty late ready");
            Map<String, long[]> after = new HashMap<>();
            Matcher matcher = LATE.matcher(late.stdout());
            while (matcher.find()) {
                after.put(matcher.group(1), new long[] {Long.parseLong(matcher.group(2)),
                        Long.parseLong(matcher.group(3)), Long.parseLong(matcher.group(4))});
            }
            assertEquals(3, after.get("io")[0], late.stdout());
            assertEquals(3, after.get("business")[0], late.stdout());
            late.awaitScrape(port, "the I/O and business groups found at the new connection", text -> {
                for (String role : List.of("io", "business")) {
                    String label = "executor=\"" + role + "\"";
                    long[] expected = after.get(role);
                    if (Scrape.value(text, "pulse_executor_threads", label) != expected[0]
                            || Scrape.value(text, "pulse_executor_queued_tasks", label) != expected[1]
                            || Scrape.value(text, "pulse_executor_max_threads", label) != expected[2]) {
                        return false;
                    }
                }
                return true;
            });
        }
    }

    @Test
    void readingNeverFailedNorStartedAThread() {
        assertTrue(app.agentLines().stream().noneMatch(line -> line.contains("executor")), app.describe());
        assertTrue(scrape.contains("executor=\"io\""));
        assertTrue(!scrape.contains("executor=\"io#2\"") && !scrape.contains("executor=\"business#2\""), scrape);
    }
}
