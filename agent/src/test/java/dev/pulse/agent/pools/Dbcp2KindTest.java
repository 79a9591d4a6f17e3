package dev.pulse.agent.pools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.Test;

class Dbcp2KindTest {

    private final Dbcp2Kind kind = new Dbcp2Kind();

    @Test
    void readsActiveIdleAndWaitersFromItsObjectPool() throws Exception {
        BasicDataSource pool = new BasicDataSource();
        pool.setUrl("jdbc:h2:mem:dbcp2_kind;DB_CLOSE_DELAY=-1");
        pool.setMaxTotal(6);
        assertNull(kind.configuredName(pool), "DBCP2 has no pool name unless a JMX name is set");
        assertEquals("jdbc:h2:mem:dbcp2_kind", PoolNames.urlName(kind.url(pool)));
        PoolKindContract.check(kind, pool, 6, () -> pool.getConnectionPool() != null, pool);
    }
}
