package dev.pulse.agent.pools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

class HikariKindTest {

    private final HikariKind kind = new HikariKind();

    @Test
    void readsAPoolThatStartsAtItsFirstConnection() throws Exception {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl("jdbc:h2:mem:hikari_kind;DB_CLOSE_DELAY=-1");
        pool.setPoolName("orders-db");
        pool.setMaximumPoolSize(5);
        assertEquals("orders-db", kind.configuredName(pool));
        assertEquals("jdbc:h2:mem:hikari_kind;DB_CLOSE_DELAY=-1", kind.url(pool));
        PoolKindContract.check(kind, pool, 5, () -> pool.getHikariPoolMXBean() != null, pool);
    }

    @Test
    void readingAPoolNotStartedLeavesItsConfigurationOpen() throws Exception {
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl("jdbc:h2:mem:hikari_open");
            kind.read(pool);
            kind.started(pool);
            kind.configuredName(pool);
            kind.closed(pool);
            pool.setPoolName("still-open");
            pool.setMaximumPoolSize(3);
            pool.getConnection().close();
            assertEquals(pool, kind.dataSourceOf(kind.runningPool(pool)), "a timed acquisition finds its data source");
        }
    }

    @Test
    void aPoolWithoutANameGetsHikarisGeneratedOne() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:hikari_unnamed");
        config.setMinimumIdle(0);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            assertEquals(pool.getPoolName(), kind.configuredName(pool));
            assertEquals(10, kind.read(pool).max, "HikariCP's default, once started");
        }
        HikariDataSource unstarted = new HikariDataSource();
        assertNull(kind.configuredName(unstarted));
        assertEquals(10, kind.read(unstarted).max,
                "HikariCP 7 sets its default maximum at construction (5.x only at start: PoolsIT)");
    }
}
