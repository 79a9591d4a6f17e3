package dev.pulse.agent.weave;

import java.util.ArrayList;
import java.util.List;

/**
 * Names of the classes woven for pool discovery besides the JDBC pool kinds' own classes. Kept
 * apart from {@link PoolInstrumentation} so the gate can read them without loading Byte Buddy.
 */
final class PoolClassNames {

    static final String THREAD_POOL_EXECUTOR = "java.util.concurrent.ThreadPoolExecutor";
    static final String WORKER = "java.util.concurrent.ThreadPoolExecutor$Worker";
    static final String FORK_JOIN_POOL = "java.util.concurrent.ForkJoinPool";
    static final String HIKARI_POOL = "com.zaxxer.hikari.pool.HikariPool";
    /** JDK types woven for discovery, which the weaver otherwise leaves alone. */
    static final List<String> JDK_TYPES = List.of(THREAD_POOL_EXECUTOR, WORKER, FORK_JOIN_POOL);

    private PoolClassNames() {
    }

    /** Every class woven for pool discovery: {@code poolClasses} (the JDBC pool kinds') and the above. */
    static List<String> all(List<String> poolClasses) {
        List<String> all = new ArrayList<>(poolClasses);
        all.add(HIKARI_POOL);
        all.addAll(JDK_TYPES);
        return all;
    }
}
