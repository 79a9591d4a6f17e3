package dev.pulse.agent.pools;

import static dev.pulse.agent.pools.Reflection.call;
import static dev.pulse.agent.pools.Reflection.callLong;
import static dev.pulse.agent.pools.Reflection.field;

/**
 * Tomcat JDBC {@code org.apache.tomcat.jdbc.pool.DataSource}. Its getSize(), getPool() and
 * friends create the pool when there is none, so the pool is taken from its field, and read only
 * once the application has created it. Closing it drops the pool, so a closed one reads as one
 * not started (the application may start it again).
 */
final class TomcatJdbcKind implements JdbcPoolKind {

    @Override
    public String className() {
        return "org.apache.tomcat.jdbc.pool.DataSource";
    }

    @Override
    public String connectionClassName() {
        return "org.apache.tomcat.jdbc.pool.DataSourceProxy";
    }

    @Override
    public Object runningPool(Object pool) throws ReflectiveOperationException {
        return field(pool, "pool");
    }

    @Override
    public String configuredName(Object pool) throws ReflectiveOperationException {
        return (String) call(pool, "getName");
    }

    @Override
    public String url(Object pool) throws ReflectiveOperationException {
        return (String) call(pool, "getUrl");
    }

    @Override
    public boolean closed(Object pool) throws ReflectiveOperationException {
        Object connections = field(pool, "pool");
        return connections != null && (Boolean) call(connections, "isClosed");
    }

    @Override
    public JdbcPoolReading read(Object pool) throws ReflectiveOperationException {
        long max = callLong(pool, "getMaxActive");
        Object connections = runningPool(pool);
        if (connections == null) {
            return JdbcPoolReading.notStarted(max);
        }
        return new JdbcPoolReading(callLong(connections, "getSize"), callLong(connections, "getIdle"),
                callLong(connections, "getActive"), callLong(connections, "getWaitCount"), max);
    }
}
