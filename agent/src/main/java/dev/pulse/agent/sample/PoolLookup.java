package dev.pulse.agent.sample;

import java.util.List;
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

    /** The names of the pools found so far, for a message naming a pool that is not among them. */
    default List<String> names() {
        return List.of();
    }

    PoolLookup NONE = name -> null;
}
