package dev.pulse.agent.pools;

import static dev.pulse.agent.pools.Reflection.call;
import static dev.pulse.agent.pools.Reflection.callDeclared;
import static dev.pulse.agent.pools.Reflection.callLong;
import static dev.pulse.agent.pools.Reflection.field;

/**
 * Apache Commons DBCP2 {@code BasicDataSource}. It has no pool name, so it is named by its JMX
 * name when one is set, else by its URL. Waiting threads come from its object pool, which it
 * keeps behind a getter that creates nothing; it exists once the application has started the
 * pool (its first getConnection() or start()). Its isClosed() and getMaxTotal() lock the data
 * source, which its first getConnection() holds while it opens a connection, so they are read
 * from their fields: a pass never waits for the application.
 */
final class Dbcp2Kind implements JdbcPoolKind {

    @Override
    public String className() {
        return "org.apache.commons.dbcp2.BasicDataSource";
    }

    @Override
    public Object runningPool(Object pool) throws ReflectiveOperationException {
        return callDeclared(pool, "getConnectionPool");
    }

    @Override
    public String configuredName(Object pool) throws ReflectiveOperationException {
        return (String) call(pool, "getJmxName");
    }

    @Override
    public String url(Object pool) throws ReflectiveOperationException {
        return (String) call(pool, "getUrl");
    }

    @Override
    public boolean closed(Object pool) throws ReflectiveOperationException {
        return (Boolean) field(pool, "closed");
    }

    @Override
    public JdbcPoolReading read(Object pool) throws ReflectiveOperationException {
        long max = ((Number) field(pool, "maxTotal")).longValue();
        Object objects = runningPool(pool);
        if (objects == null) {
            return JdbcPoolReading.notStarted(max);
        }
        long active = callLong(objects, "getNumActive");
        long idle = callLong(objects, "getNumIdle");
        return new JdbcPoolReading(active + idle, idle, active, callLong(objects, "getNumWaiters"), max);
    }
}
