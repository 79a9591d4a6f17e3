package dev.pulse.agent.pools;

/**
 * The JDK's virtual-thread scheduler (JDK 21+): the ForkJoinPool that
 * {@code java.lang.VirtualThread.createDefaultScheduler} makes, whose workers are
 * {@code jdk.internal.misc.CarrierThread}s. It is read as any ForkJoinPool, under a plain name,
 * {@value #NAME}, instead of the place that made it. The agent targets Java 11: the JDK 21
 * classes are known by name only.
 */
final class VirtualThreadScheduler {

    /** The name the scheduler is exported under. */
    static final String NAME = "jdk:virtual-thread-scheduler";
    /** Where the JDK makes it (JDK 21 to 25), as {@link ExecutorPools.Site#where} says it. */
    private static final String SITE = "VirtualThread.createDefaultScheduler";
    private static final String CARRIER_THREAD = "jdk.internal.misc.CarrierThread";

    private VirtualThreadScheduler() {
    }

    /**
     * True for the scheduler: made at {@code site} ("Class.method" of a JDK class, or null when
     * unknown) by VirtualThread, or running on carrier threads ({@code workers}, may be null).
     */
    static boolean is(String site, Iterable<Thread> workers) {
        if (SITE.equals(site)) {
            return true;
        }
        if (workers != null) {
            for (Thread worker : workers) {
                if (worker.getClass().getName().equals(CARRIER_THREAD)) {
                    return true;
                }
            }
        }
        return false;
    }
}
