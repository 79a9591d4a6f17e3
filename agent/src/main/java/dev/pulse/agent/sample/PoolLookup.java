package dev.pulse.agent.sample;

import javax.sql.DataSource;

/** Finds a connection pool the agent discovered, by its name, for SQL gauges. */
public interface PoolLookup {

    /** The pool named {@code name}, the first pool found for "auto", or null when there is none. */
    DataSource find(String name);

    /**
     * False when, at the last sample, the pool had no idle connection and no room to open one,
     * so borrowing would make the service's own work wait; true when it had, or when unknown.
     */
    default boolean canLend(String name) {
        return true;
    }

    PoolLookup NONE = name -> null;
}
