package dev.pulse.agent.pools;

import static dev.pulse.agent.pools.Reflection.call;
import static dev.pulse.agent.pools.Reflection.callLong;
import static dev.pulse.agent.pools.Reflection.field;

/**
 * c3p0 {@code ComboPooledDataSource}. Its statistics getters start the pool when it has not
 * started, so they are called only once its pool manager exists (the application's first
 * getConnection() makes it). c3p0 gives every data source a
 * generated name (its identity token) unless the application sets one; a generated name is not
 * used.
 */
final class C3p0Kind implements JdbcPoolKind {

    @Override
    public String className() {
        return "com.mchange.v2.c3p0.ComboPooledDataSource";
    }

    @Override
    public String connectionClassName() {
        return "com.mchange.v2.c3p0.impl.AbstractPoolBackedDataSource";
    }

    @Override
    public Object runningPool(Object pool) throws ReflectiveOperationException {
        return field(pool, "poolManager");
    }

    @Override
    public String configuredName(Object pool) throws ReflectiveOperationException {
        String name = (String) call(pool, "getDataSourceName");
        return name == null || name.equals(call(pool, "getIdentityToken")) ? null : name;
    }

    @Override
    public String url(Object pool) throws ReflectiveOperationException {
        return (String) call(pool, "getJdbcUrl");
    }

    @Override
    public boolean closed(Object pool) throws ReflectiveOperationException {
        return (Boolean) field(pool, "is_closed");
    }

    @Override
    public JdbcPoolReading read(Object pool) throws ReflectiveOperationException {
        long max = callLong(pool, "getMaxPoolSize");
        if (runningPool(pool) == null) {
            return JdbcPoolReading.notStarted(max);
        }
        return new JdbcPoolReading(callLong(pool, "getNumConnectionsDefaultUser"),
                callLong(pool, "getNumIdleConnectionsDefaultUser"), callLong(pool, "getNumBusyConnectionsDefaultUser"),
                callLong(pool, "getNumThreadsAwaitingCheckoutDefaultUser"), max);
    }
}
