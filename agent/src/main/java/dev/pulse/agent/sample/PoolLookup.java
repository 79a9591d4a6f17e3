package dev.pulse.agent.sample;

import javax.sql.DataSource;

/** Finds a connection pool the agent discovered, by its name, for SQL gauges. */
public interface PoolLookup {

    /** The pool named {@code name}, the first pool found for "auto", or null when there is none. */
    DataSource find(String name);

    /** Idle connections the pool had at the last sample, or -1 when unknown. */
    default long idleConnections(String name) {
        return -1;
    }

    PoolLookup NONE = name -> null;
}
