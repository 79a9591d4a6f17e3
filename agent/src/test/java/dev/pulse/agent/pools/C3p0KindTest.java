package dev.pulse.agent.pools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.mchange.v2.c3p0.ComboPooledDataSource;
import org.junit.jupiter.api.Test;

class C3p0KindTest {

    private final C3p0Kind kind = new C3p0Kind();

    @Test
    void readsTheDefaultUsersPoolWithoutStartingIt() throws Exception {
        ComboPooledDataSource pool = new ComboPooledDataSource();
        pool.setJdbcUrl("jdbc:h2:mem:c3p0_kind;DB_CLOSE_DELAY=-1");
        pool.setMaxPoolSize(8);
        pool.setMinPoolSize(1);
        pool.setInitialPoolSize(1);
        assertNull(kind.configuredName(pool), "c3p0's generated identity token is no name");
        pool.setDataSourceName("reports-db");
        assertEquals("reports-db", kind.configuredName(pool));
        PoolKindContract.check(kind, pool, 8, () -> Reflection.field(pool, "poolManager") != null, pool::close);
    }
}
