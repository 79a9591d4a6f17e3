package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One JVM of PoolLifeApp, with SQL gauges aimed at pools the application has made but not
 * started, and the endpoint on the IPv6 loopback address: the agent never starts a pool, a
 * pool's every series carries the name it has once started, a pool or an executor rebuilt under
 * its closed predecessor's name takes the plain name and keeps its series.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoolLifeIT {

    private static final Path POOL_LIBS = Paths.get(System.getProperty("pulse.it.pool.libs", "target/pool-libs"));
    private static final List<String> KINDS = List.of("hikari5", "hikari7", "dbcp2", "tomcat", "c3p0");
    /** The gauges whose pools the application starts under the name they aim at. */
    private static final List<String> LENT = List.of("hikari5_started", "dbcp2", "tomcat", "c3p0");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private ForkedJvm app;
    private int port;
    private String scrape;

    @BeforeAll
    void start() throws Exception {
        port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(Files.createTempDirectory("pulse-it"),
                "pulse.service=pool-life",
                "pulse.http.host=::1",
                "pulse.http.port=" + port,
                "pulse.sample.interval=500ms",
                "pulse.pools.exclude=pulse:*",
                "pulse.sql.one.query=SELECT 1 AS \"value\"",
                // The names each pool would have carried before its start: its URL, or its own.
                "pulse.sql.hikari5.query=SELECT 1 AS \"value\"",
                "pulse.sql.hikari5.pool=jdbc:h2:mem:hikari5",
                "pulse.sql.hikari7.query=SELECT 1 AS \"value\"",
                "pulse.sql.hikari7.pool=jdbc:h2:mem:hikari7",
                "pulse.sql.dbcp2.query=SELECT 1 AS \"value\"",
                "pulse.sql.dbcp2.pool=jdbc:h2:mem:dbcp2",
                "pulse.sql.tomcat.query=SELECT 1 AS \"value\"",
                "pulse.sql.tomcat.pool=tomcat-db",
                "pulse.sql.c3p0.query=SELECT 1 AS \"value\"",
                "pulse.sql.c3p0.pool=c3p0-db",
                "pulse.sql.hikari5_started.query=SELECT 1 AS \"value\"",
                "pulse.sql.hikari5_started.pool=hikari5-db");
        app = ForkedJvm.start(ForkedJvm.agentFlags(config), Map.of(),
                List.of("-cp", ForkedJvm.appsClasspathWith(org.h2.Driver.class), "dev.pulse.it.apps.PoolLifeApp",
                        POOL_LIBS.toAbsolutePath().toString()));
        // Each step has its own deadline: on a loaded machine, starting five pools takes a while.
        app.awaitStdout("app: c3p0 ");
        app.awaitStdout("app: pools started");
        app.awaitStdout("app: ready");
        double passes = Scrape.value(awaitScrape("the endpoint", text -> true), "pulse_sampler_duration_seconds_count");
        scrape = awaitScrape("two sampler passes after the closed pool was collected, and the gauges read", text -> {
            double now = Scrape.value(text, "pulse_sampler_duration_seconds_count");
            // A pass whose executors read ran late (a loaded machine) leaves the rebuilt executor for the next.
            return now >= passes + 2 && (now >= passes + 10 || LENT.stream().allMatch(gauge ->
                    !Double.isNaN(Scrape.value(text, "pulse_sql_" + gauge))))
                    && !Double.isNaN(Scrape.value(text, "pulse_executor_max_threads", "executor=\"delivery\""));
        });
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void theAgentNeverStartsAPoolNorSealsItsConfiguration() {
        for (String kind : KINDS) {
            assertTrue(app.stdout().contains("app: " + kind + " started before the application started it: false"),
                    kind + "\n" + app.describe());
            assertTrue(app.stdout().contains("app: " + kind + " configured and started"), kind + "\n" + app.describe());
        }
        assertFalse(app.stdout().contains("failed"), app.describe());
        for (String gauge : LENT) {
            assertEquals(1, Scrape.value(scrape, "pulse_sql_" + gauge), "lent once started\n" + scrape);
        }
    }

    @Test
    void everySeriesOfAPoolCarriesTheNameItSettledOnAtItsStart() {
        for (String pool : List.of("late-db", "hikari5-db", "hikari7-db", "jdbc:h2:mem:dbcp2", "tomcat-db", "c3p0-db")) {
            assertTrue(Scrape.value(scrape, "pulse_db_pool_active", "pool=\"" + pool + "\"") >= 1, pool + "\n" + scrape);
        }
        assertTrue(Scrape.value(scrape, "pulse_db_pool_acquire_duration_seconds_count", "pool=\"late-db\"") >= 1,
                scrape);
        assertEquals(List.of(), Scrape.samples(scrape, "pulse_db_pool").stream()
                .filter(line -> line.contains("jdbc:h2:mem:hikari") || line.contains("jdbc:h2:mem:late")
                        || line.contains("HikariPool-")).toList(), "named before the application named it");
    }

    @Test
    void aPoolRebuiltUnderItsClosedPredecessorsNameKeepsItsSeries() {
        assertTrue(app.stdout().contains("app: the closed shop-db collected: true"), app.describe());
        assertEquals(2, Scrape.value(scrape, "pulse_db_pool_acquire_duration_seconds_count", "pool=\"shop-db\""),
                "the rebuilt pool's two acquisitions\n" + scrape);
        assertEquals(0, Scrape.value(scrape, "pulse_db_pool_acquire_timeouts_total", "pool=\"shop-db\""), scrape);
        assertEquals(10, Scrape.value(scrape, "pulse_db_pool_max", "pool=\"shop-db\""), scrape);
        assertFalse(scrape.contains("shop-db#"), scrape);
    }

    @Test
    void anExecutorRebuiltAfterItsPredecessorShutDownTakesThePlainName() {
        assertEquals(4, Scrape.value(scrape, "pulse_executor_max_threads", "executor=\"delivery\""), scrape);
        assertFalse(scrape.contains("executor=\"delivery#"), scrape);
    }

    @Test
    void theStartLineWritesAnIpv6AddressInBrackets() {
        assertTrue(app.agentLines().contains("pulse: started 0 timers, 0 queues, 7 SQL gauges; metrics on http://[::1]:"
                + port + "/metrics"), app.describe());
    }

    private String awaitScrape(String what, Predicate<String> condition) throws InterruptedException {
        String[] body = new String[1];
        app.await(what, () -> {
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://[::1]:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(5))
                        .build();
                body[0] = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
                return condition.test(body[0]);
            } catch (IOException e) {
                return false;
            }
        });
        return body[0];
    }
}
