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
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The registry of connection pools, with a pool kind whose numbers the test sets. */
class DbPoolsTest {

    private final List<String> failures = new ArrayList<>();
    private final FakeKind kind = new FakeKind();
    private final DbPools pools = new DbPools(List.of(kind), name -> name.equals("hidden-db"), 2000, () -> { },
            Labels.EMPTY, PrometheusProperties.get());

    @Test
    void anSqlGaugeBorrowsOnlyFromAPoolThatCanLendWithoutMakingTheServiceWait() {
        JdbcDataSource pool = new JdbcDataSource();
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
    void aPoolWhoseReadFailsIsCountedUnderItsNameAndNotExported() {
        pools.created(0, new JdbcDataSource());
        kind.fail = true;
        sample();
        assertEquals(List.of("pool:orders-db: java.lang.IllegalStateException: pool is closing"), failures);
        assertNull(pools.find("orders-db"));
    }

    @Test
    void theAcquireTimerFindsItsPoolByIdentityAndCountsTimeouts() {
        Object hikariPool = new Object() {
            @Override
            public String toString() {
                return "orders-db";
            }
        };
        long start = System.nanoTime();
        pools.acquired(hikariPool, start, null);
        pools.acquired(hikariPool, start, new SQLTransientConnectionException("timed out"));
        pools.acquired(hikariPool, start, new IllegalStateException("not a timeout"));
        pools.acquired(new Object() {
            @Override
            public String toString() {
                return "hidden-db";
            }
        }, start, null);
        String text = ExecutorPoolsTest.text(registry());
        assertTrue(text.contains("pulse_db_pool_acquire_duration_seconds_count{pool=\"orders-db\"} 3"), text);
        assertTrue(text.contains("pulse_db_pool_acquire_timeouts_total{pool=\"orders-db\"} 1.0"), text);
        assertFalse(text.contains("hidden-db"), "excluded");
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

    /** A pool kind over H2's plain data source, named "orders-db", with numbers the test sets. */
    private static final class FakeKind implements JdbcPoolKind {
        volatile JdbcPoolReading reading = JdbcPoolReading.notStarted(4);
        volatile boolean fail;

        @Override
        public String className() {
            return JdbcDataSource.class.getName();
        }

        @Override
        public String configuredName(Object pool) {
            return "orders-db";
        }

        @Override
        public String url(Object pool) {
            return null;
        }

        @Override
        public boolean closed(Object pool) {
            return false;
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
