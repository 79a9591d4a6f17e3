package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One JVM of PoolsApp: HikariCP 5, DBCP2, Tomcat JDBC and c3p0 pools, each library in a child
 * class loader, and thread pools of known shapes; then one pool, its loader and one executor are
 * dropped and must be collected.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoolsIT {

    private static final Path POOL_LIBS = Paths.get(System.getProperty("pulse.it.pool.libs", "target/pool-libs"));
    private ForkedJvm app;
    private int port;
    private Path go;
    private String scrape;

    @BeforeAll
    void start() throws Exception {
        Path folder = Files.createTempDirectory("pulse-it");
        go = folder.resolve("go");
        port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder,
                "pulse.service=pools",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.sample.interval=200ms",
                "pulse.pools.exclude=pulse:*",
                // ThreadPoolExecutor is woven for pool discovery; a timer on it is said at start and never times it.
                "pulse.timer.jdk_class=java.util.concurrent.ThreadPoolExecutor#execute,getPoolSize");
        app = ForkedJvm.start(ForkedJvm.agentFlags(config), Map.of(),
                List.of("-cp", ForkedJvm.appsClasspathWith(org.h2.Driver.class), "dev.pulse.it.apps.PoolsApp",
                        go.toString(), POOL_LIBS.toAbsolutePath().toString()));
        app.awaitStdout("app: pools ready");
        scrape = app.awaitScrape(port, "every pool read with its connections held", text ->
                Scrape.value(text, "pulse_db_pool_active", "pool=\"orders-db\"") == 2
                        && Scrape.value(text, "pulse_db_pool_active", "pool=\"jdbc:h2:mem:legacy\"") == 2
                        && Scrape.value(text, "pulse_db_pool_active", "pool=\"billing-db\"") == 2
                        && Scrape.value(text, "pulse_db_pool_active", "pool=\"reports-db\"") == 2
                        && Scrape.value(text, "pulse_executor_threads", "executor=\"reports\"") == 3
                        && Scrape.value(text, "pulse_executor_rejected_tasks_total", "executor=\"reports\"") == 1
                        && Scrape.value(text, "pulse_executor_completed_tasks_total",
                                "executor=\"PoolsApp.startAudit\"") >= 1
                        && Scrape.value(text, "pulse_executor_active_threads", "executor=\"PoolsApp.main\"") == 1);
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    @Order(1)
    void theJdksExecutorWovenForPoolsIsNeverTimed() {
        assertTrue(app.stderr().contains("pulse: warning: pulse.timer.jdk_class: java.util.concurrent.ThreadPoolExecutor"
                + " is a JDK class"), app::describe);
        assertFalse(scrape.contains("operation=\"jdk_class\""), scrape);
    }

    @Test
    @Order(1)
    void hikariFiveInAChildLoaderIsFoundWithItsOwnName() {
        assertEquals(4, Scrape.value(scrape, "pulse_db_pool_max", "pool=\"orders-db\""), scrape);
        assertTrue(Scrape.value(scrape, "pulse_db_pool_size", "pool=\"orders-db\"") >= 2, scrape);
        assertEquals(0, Scrape.value(scrape, "pulse_db_pool_pending", "pool=\"orders-db\""));
        double free = Scrape.value(scrape, "pulse_db_pool_free", "pool=\"orders-db\"");
        assertEquals(Scrape.value(scrape, "pulse_db_pool_size", "pool=\"orders-db\""), free + 2, scrape);
        assertTrue(Scrape.value(scrape, "pulse_db_pool_acquire_duration_seconds_count", "pool=\"orders-db\"") >= 2,
                scrape);
        assertTrue(app.stdout().contains("app: orders-db timed out: SQLTransientConnectionException"), app.stdout());
        assertEquals(1, Scrape.value(scrape, "pulse_db_pool_acquire_timeouts_total", "pool=\"orders-db\""), scrape);
        assertTrue(Scrape.value(scrape, "pulse_db_pool_acquire_duration_seconds_bucket", "pool=\"orders-db\"",
                "le=\"0.1\"") < Scrape.value(scrape, "pulse_db_pool_acquire_duration_seconds_count",
                "pool=\"orders-db\""), "the timed-out request waited its 250 ms\n" + scrape);
    }

    @Test
    @Order(1)
    void aPoolNotStartedYetIsNotExported() {
        assertFalse(scrape.contains("lazy-db"), "its name and settings settle when the application starts it\n"
                + scrape);
    }

    @Test
    @Order(1)
    void dbcp2TomcatAndC3p0ReadTheirConfiguredMaximum() {
        assertEquals(5, Scrape.value(scrape, "pulse_db_pool_max", "pool=\"jdbc:h2:mem:legacy\""), scrape);
        assertEquals(6, Scrape.value(scrape, "pulse_db_pool_max", "pool=\"billing-db\""), scrape);
        assertEquals(7, Scrape.value(scrape, "pulse_db_pool_max", "pool=\"reports-db\""), scrape);
        for (String pool : List.of("jdbc:h2:mem:legacy", "billing-db", "reports-db")) {
            String label = "pool=\"" + pool + "\"";
            assertEquals(Scrape.value(scrape, "pulse_db_pool_size", label),
                    Scrape.value(scrape, "pulse_db_pool_free", label) + 2, pool + "\n" + scrape);
            assertEquals(0, Scrape.value(scrape, "pulse_db_pool_pending", label), pool);
        }
    }

    @Test
    @Order(1)
    void threadPoolsAreNamedByTheirThreadsOrWhereTheyWereMade() {
        String reports = "executor=\"reports\"";
        assertEquals(3, Scrape.value(scrape, "pulse_executor_max_threads", reports), scrape);
        assertEquals(3, Scrape.value(scrape, "pulse_executor_active_threads", reports));
        assertEquals(1, Scrape.value(scrape, "pulse_executor_queued_tasks", reports));
        assertEquals(1, Scrape.value(scrape, "pulse_executor_threads", "executor=\"ticker\""), scrape);
        assertEquals(1, Scrape.value(scrape, "pulse_executor_max_threads", "executor=\"ticker\""),
                "a scheduled executor never grows past its core size\n" + scrape);
        assertTrue(Scrape.value(scrape, "pulse_executor_completed_tasks_total", "executor=\"PoolsApp.startAudit\"")
                >= 1, scrape);
        assertEquals(3, Scrape.value(scrape, "pulse_executor_max_threads", "executor=\"PoolsApp.main\""),
                "the ForkJoinPool's parallelism\n" + scrape);
        assertEquals(1, Scrape.value(scrape, "pulse_executor_active_threads", "executor=\"PoolsApp.main\""));
        assertTrue(Double.isNaN(Scrape.value(scrape, "pulse_executor_threads", "executor=\"jdk:common-pool\"")),
                "a common pool the service never used has had no thread: not exported, as any executor\n" + scrape);
        assertFalse(scrape.contains("executor=\"pulse:"), "pulse.pools.exclude=pulse:* hides the agent's own\n"
                + scrape);
    }

    @Test
    @Order(2)
    void droppedPoolsAndExecutorsAreCollectedAndTheirSeriesGo() throws Exception {
        Files.createFile(go);
        app.awaitStdout("app: collected");
        assertTrue(app.stdout().contains("app: collected pool=true loader=true executor=true"), app.describe());
        String after = app.awaitScrape(port, "the dropped pool's series gone", text ->
                !text.contains("pool=\"jdbc:h2:mem:legacy\"") && !text.contains("executor=\"PoolsApp.startAudit\""));
        assertEquals(2, Scrape.value(after, "pulse_db_pool_active", "pool=\"orders-db\""), after);
        // A read that outlasts its interval on a loaded machine (c3p0 holds its lock while it starts,
        // the first read of the threads' CPU loads the JVM's management classes) is said once.
        assertEquals(List.of("pulse: started 1 timers, 0 queues, 0 SQL gauges; metrics on http://127.0.0.1:" + port
                + "/metrics"), app.agentLines().stream().filter(line -> !line.matches(
                        "pulse: warning: sampling (db_pools|executors): (still running after|the previous read has not"
                        + " returned).*") && !line.contains("pulse.timer.jdk_class")).toList());
    }

    @Test
    @Order(3)
    void poolsNoneLooksForNoPool() throws Exception {
        int quietPort = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(Files.createTempDirectory("pulse-it"),
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + quietPort,
                "pulse.sample.interval=200ms",
                "pulse.pools=none");
        Path goNow = Files.createTempDirectory("pulse-it").resolve("go");
        try (ForkedJvm quiet = ForkedJvm.start(ForkedJvm.agentFlags(config), Map.of(),
                List.of("-cp", ForkedJvm.appsClasspathWith(org.h2.Driver.class), "dev.pulse.it.apps.PoolsApp",
                        goNow.toString(), POOL_LIBS.toAbsolutePath().toString()))) {
            quiet.awaitStdout("app: pools ready");
            String text = quiet.awaitScrape(quietPort, "the sampler's first pass", body ->
                    body.contains("pulse_sampler_duration_seconds_count"));
            assertTrue(Scrape.samples(text, "pulse_db_pool").isEmpty(), text);
            assertTrue(Scrape.samples(text, "pulse_executor").isEmpty(), text);
        }
    }
}
