package dev.pulse.agent.pools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.model.snapshots.Labels;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The registry of connection pools, with a pool kind whose state and numbers the test sets. */
class DbPoolsTest {

    private final List<String> failures = new ArrayList<>();
    private final FakeKind kind = new FakeKind();
    private final DbPools pools = new DbPools(List.of(kind), name -> name.equals("hidden-db"), 2000, () -> { },
            Labels.EMPTY, PrometheusProperties.get());

    @Test
    void anSqlGaugeBorrowsOnlyFromAPoolThatCanLendWithoutMakingTheServiceWait() {
        FakePool pool = FakePool.started("orders-db");
        pools.created(0, pool);
        pools.created(0, pool);
        assertTrue(pools.canLend("orders-db"), "unknown before the first sample");

        kind.reading = new JdbcPoolReading(4, 0, 4, 1, 4);
        sample();
        assertSame(pool, pools.find("orders-db"));
        assertSame(pool, pools.find("auto"));
        assertNull(pools.find("billing-db"));
        assertFalse(pools.canLend("orders-db"), "no idle connection, no room for one");

        kind.reading = new JdbcPoolReading(3, 0, 3, 0, 4);
        sample();
        assertTrue(pools.canLend("orders-db"), "room to open one");
        kind.reading = new JdbcPoolReading(4, 1, 3, 0, 4);
        sample();
        assertTrue(pools.canLend("auto"), "an idle one");
        assertEquals(List.of(), failures);
    }

    @Test
    void aPoolTheApplicationHasNotStartedIsNeitherLentNorNamedNorExported() {
        FakePool pool = new FakePool(null);
        pools.created(0, pool);
        sample();
        assertNull(pools.find("auto"), "borrowing would start it");
        assertEquals(List.of(), pools.names(), "not among the pools found, for a gauge's typo line");
        assertFalse(ExecutorPoolsTest.text(registry()).contains("pool=\""), "not exported before its start");

        pool.name = "orders-db";
        pool.running = new Object();
        sample();
        assertSame(pool, pools.find("orders-db"), "named when the application started it");
        assertEquals(List.of("orders-db"), pools.names());
        assertTrue(ExecutorPoolsTest.text(registry()).contains("pulse_db_pool_max{pool=\"orders-db\"} 4"));
        pool.name = "renamed";
        sample();
        assertSame(pool, pools.find("orders-db"), "one name for the pool's whole life");
        assertEquals(List.of(), failures);
    }

    @Test
    void aDataSourceOfAnotherClassSharingTheWovenGetConnectionIsTurnedAway() {
        pools.created(0, new Object());
        sample();
        assertNull(pools.find("auto"));
        assertEquals(List.of(), failures, "never read as a pool of the kind");
    }

    @Test
    void aPoolWhoseReadFailsIsCountedUnderItsNameAndNotExported() {
        pools.created(0, FakePool.started("orders-db"));
        kind.fail = true;
        sample();
        assertEquals(List.of("pool:orders-db: java.lang.IllegalStateException: pool is closing"), failures);
        assertNull(pools.find("orders-db"));
    }

    @Test
    void theAcquireTimerCarriesItsDataSourcesNameAndCountsTimeouts() {
        FakePool orders = FakePool.started("orders-db");
        FakePool hidden = FakePool.started("hidden-db");
        pools.created(0, orders);
        pools.created(0, hidden);
        long start = System.nanoTime();
        pools.acquired(orders.running, start, null);
        pools.acquired(orders.running, start, new SQLTransientConnectionException("timed out"));
        pools.acquired(orders.running, start, new IllegalStateException("not a timeout"));
        pools.acquired(hidden.running, start, null);
        pools.acquired(new Object(), start, null);
        String text = ExecutorPoolsTest.text(registry());
        assertTrue(text.contains("pulse_db_pool_acquire_duration_seconds_count{pool=\"orders-db\"} 3"), text);
        assertTrue(text.contains("pulse_db_pool_acquire_timeouts_total{pool=\"orders-db\"} 1.0"), text);
        assertFalse(text.contains("hidden-db"), "excluded");
    }

    @Test
    void aPoolMadeBeforeTheAgentIsFoundByItsFirstTimedAcquisition() {
        FakePool runs = FakePool.started("runs-db");
        pools.acquired(runs.running, System.nanoTime(), null);
        sample();
        assertSame(runs, pools.find("runs-db"));
        String text = ExecutorPoolsTest.text(registry());
        assertTrue(text.contains("pulse_db_pool_acquire_duration_seconds_count{pool=\"runs-db\"} 1"), text);
        assertTrue(text.contains("pulse_db_pool_max{pool=\"runs-db\"} 4"), text);
    }

    @Test
    void aPoolRebuiltUnderTheSameNameTakesThePlainNameAndKeepsItsSeries() {
        FakePool old = FakePool.started("shop-db");
        pools.created(0, old);
        sample();
        pools.acquired(old.running, System.nanoTime(), null);
        old.closed = true;
        FakePool rebuilt = FakePool.started("shop-db");
        pools.created(0, rebuilt);
        pools.acquired(rebuilt.running, System.nanoTime(), null);
        sample();
        sample();
        assertSame(rebuilt, pools.find("shop-db"), "the predecessor is closed: the plain name");
        pools.acquired(rebuilt.running, System.nanoTime(), null);
        String text = ExecutorPoolsTest.text(registry());
        assertTrue(text.contains("pulse_db_pool_acquire_duration_seconds_count{pool=\"shop-db\"} 2"),
                "the closed pool's series went with it; the rebuilt pool's stay\n" + text);
        assertTrue(text.contains("pulse_db_pool_acquire_timeouts_total{pool=\"shop-db\"} 0"), text);
        assertFalse(text.contains("shop-db#2"), text);
    }

    private io.prometheus.metrics.model.registry.PrometheusRegistry registry() {
        io.prometheus.metrics.model.registry.PrometheusRegistry registry =
                new io.prometheus.metrics.model.registry.PrometheusRegistry();
        pools.register(registry);
        return registry;
    }

    private void sample() {
        pools.run((source, message) -> failures.add(source + ": " + message));
    }

    /** A pool whose state the test sets; it gives no connections. */
    private static final class FakePool implements DataSource {
        volatile String name;
        volatile Object running;
        volatile boolean closed;

        FakePool(String name) {
            this.name = name;
        }

        @Override
        public Connection getConnection() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Connection getConnection(String user, String password) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }

        static FakePool started(String name) {
            FakePool pool = new FakePool(name);
            pool.running = new Owned(pool);
            return pool;
        }
    }

    /** A running pool that knows its data source, as HikariPool does. */
    private static final class Owned {
        final FakePool pool;

        Owned(FakePool pool) {
            this.pool = pool;
        }
    }

    /** A pool kind over {@link FakePool}, with numbers the test sets. */
    private static final class FakeKind implements JdbcPoolKind {
        volatile JdbcPoolReading reading = JdbcPoolReading.notStarted(4);
        volatile boolean fail;

        @Override
        public String className() {
            return FakePool.class.getName();
        }

        @Override
        public Object runningPool(Object pool) {
            return ((FakePool) pool).running;
        }

        @Override
        public Object dataSourceOf(Object running) {
            return running instanceof Owned ? ((Owned) running).pool : null;
        }

        @Override
        public String configuredName(Object pool) {
            return ((FakePool) pool).name;
        }

        @Override
        public String url(Object pool) {
            return null;
        }

        @Override
        public boolean closed(Object pool) {
            return ((FakePool) pool).closed;
        }

        @Override
        public JdbcPoolReading read(Object pool) {
            if (fail) {
                throw new IllegalStateException("pool is closing");
            }
            return reading;
        }
    }
}
