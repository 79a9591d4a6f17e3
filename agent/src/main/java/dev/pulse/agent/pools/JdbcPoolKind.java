package dev.pulse.agent.pools;

import java.util.List;

/**
 * One kind of JDBC connection pool: the class whose constructor announces a new pool, and how to
 * read one through its public API. Pool classes live in the application's class loaders, so
 * adapters reach them by reflection and never link against them. Adding a kind means adding one
 * adapter to {@link #ALL}; nothing else changes.
 */
public interface JdbcPoolKind {

    /** Every kind the agent knows; a kind's index here is its id in the woven code. */
    List<JdbcPoolKind> ALL = List.of(new HikariKind(), new Dbcp2Kind(), new TomcatJdbcKind(), new C3p0Kind());

    /** The pool class; its subclasses are announced through its constructor too. */
    String className();

    /**
     * The class that declares the pool's getConnection(): woven so that a pool made before the
     * agent was attached is found at its next use.
     */
    default String connectionClassName() {
        return className();
    }

    /**
     * The object that holds the pool's connections once the application has started the pool
     * (by its first getConnection(), or its own start method), else null. Read from a field or a
     * plain getter: reading it never starts, seals or first-uses the pool.
     */
    Object runningPool(Object pool) throws ReflectiveOperationException;

    /**
     * True once the application has started the pool: only then is it named, exported and lent
     * to SQL gauges, so the agent never starts a pool or settles its configuration.
     */
    default boolean started(Object pool) throws ReflectiveOperationException {
        return runningPool(pool) != null;
    }

    /**
     * The pool (the data source) whose {@link #runningPool} is {@code running}, or null when the
     * kind cannot tell: lets a timed connection acquisition name its pool.
     */
    default Object dataSourceOf(Object running) throws ReflectiveOperationException {
        return null;
    }

    /** The pool's own configured name, or null when it has none; asked once the pool has started. */
    String configuredName(Object pool) throws ReflectiveOperationException;

    /** The JDBC URL the pool connects to, or null, used to name a pool without a name of its own. */
    String url(Object pool) throws ReflectiveOperationException;

    /** True once the pool is closed: it is no longer exported. */
    boolean closed(Object pool) throws ReflectiveOperationException;

    /**
     * The pool's numbers now. A pool that has not started yet reads as no connections; reading it
     * must never start it, open a connection, or wait for one.
     */
    JdbcPoolReading read(Object pool) throws ReflectiveOperationException;
}
