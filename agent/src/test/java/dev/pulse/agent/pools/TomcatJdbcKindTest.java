package dev.pulse.agent.pools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.tomcat.jdbc.pool.DataSource;
import org.junit.jupiter.api.Test;

class TomcatJdbcKindTest {

    private final TomcatJdbcKind kind = new TomcatJdbcKind();

    @Test
    void readsThePoolOnlyOnceTheApplicationCreatedIt() throws Exception {
        DataSource pool = new DataSource();
        pool.setUrl("jdbc:h2:mem:tomcat_kind;DB_CLOSE_DELAY=-1");
        pool.setDriverClassName("org.h2.Driver");
        pool.setName("billing-db");
        pool.setMaxActive(7);
        pool.setInitialSize(1);
        assertEquals("billing-db", kind.configuredName(pool));
        PoolKindContract.check(kind, pool, 7, () -> Reflection.field(pool, "pool") != null, pool::close,
                true);
    }
}
