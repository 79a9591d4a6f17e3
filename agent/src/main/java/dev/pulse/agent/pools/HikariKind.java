package dev.pulse.agent.pools;

import static dev.pulse.agent.pools.Reflection.call;
import static dev.pulse.agent.pools.Reflection.callLong;
import static dev.pulse.agent.pools.Reflection.field;
import static dev.pulse.agent.pools.Reflection.isA;

/**
 * HikariCP 5.x and 7.x: {@code HikariDataSource}. Its pool starts in the constructor that takes a
 * config, or at the first getConnection() of the no-argument one, which then seals its
 * configuration; until then its {@code pool} field is null. A started pool always has a name: the
 * application's, else the one HikariCP generates at start ("HikariPool-1"). Its HikariPool's
 * {@code config} is the data source itself, which names the pool of a timed acquisition.
 */
final class HikariKind implements JdbcPoolKind {

    @Override
    public String className() {
        return "com.zaxxer.hikari.HikariDataSource";
    }

    @Override
    public Object runningPool(Object pool) throws ReflectiveOperationException {
        return field(pool, "pool");
    }

    @Override
    public Object dataSourceOf(Object running) throws ReflectiveOperationException {
        Object config = field(running, "config");
        return config != null && isA(config, className()) ? config : null;
    }

    @Override
    public String configuredName(Object pool) throws ReflectiveOperationException {
        return (String) call(pool, "getPoolName");
    }

    @Override
    public String url(Object pool) throws ReflectiveOperationException {
        return (String) call(pool, "getJdbcUrl");
    }

    @Override
    public boolean closed(Object pool) throws ReflectiveOperationException {
        return (Boolean) call(pool, "isClosed");
    }

    @Override
    public JdbcPoolReading read(Object pool) throws ReflectiveOperationException {
        long max = callLong(pool, "getMaximumPoolSize");
        Object bean = runningPool(pool);
        if (bean == null) {
            return JdbcPoolReading.notStarted(max);
        }
        return new JdbcPoolReading(callLong(bean, "getTotalConnections"), callLong(bean, "getIdleConnections"),
                callLong(bean, "getActiveConnections"), callLong(bean, "getThreadsAwaitingConnection"), max);
    }
}
