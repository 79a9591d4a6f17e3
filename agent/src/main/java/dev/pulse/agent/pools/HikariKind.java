package dev.pulse.agent.pools;

import static dev.pulse.agent.pools.Reflection.call;
import static dev.pulse.agent.pools.Reflection.callLong;

/**
 * HikariCP 5.x and 7.x: {@code HikariDataSource}. Its pool starts in the constructor that takes a
 * config, or at the first getConnection() of the no-argument one; until then the pool bean is null.
 */
final class HikariKind implements JdbcPoolKind {

    @Override
    public String className() {
        return "com.zaxxer.hikari.HikariDataSource";
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
        Object bean = call(pool, "getHikariPoolMXBean");
        if (bean == null) {
            return JdbcPoolReading.notStarted(max);
        }
        return new JdbcPoolReading(callLong(bean, "getTotalConnections"), callLong(bean, "getIdleConnections"),
                callLong(bean, "getActiveConnections"), callLong(bean, "getThreadsAwaitingConnection"), max);
    }
}
