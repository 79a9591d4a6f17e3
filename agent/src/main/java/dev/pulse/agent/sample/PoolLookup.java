package dev.pulse.agent.sample;

import javax.sql.DataSource;

/** Finds a connection pool the agent discovered, by its name, for SQL gauges. */
public interface PoolLookup {

    /** The pool named {@code name}, any pool for "auto", or null when there is none. */
    DataSource find(String name);

    PoolLookup NONE = name -> null;
}
