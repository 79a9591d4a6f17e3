package dev.pulse.agent.pools;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time and allocated bytes of one executor's threads, summed into totals that never go
 * down. Read on the sampler's thread from the JVM's thread management interface
 * ({@code com.sun.management.ThreadMXBean}), in one call for all the threads of a pass. A thread
 * that ended between two passes keeps what was read of it at the last pass it was seen: the CPU
 * and allocations of its last moments are lost.
 */
final class ThreadCosts {

    /**
     * The JVM's thread management interface, or null where this JVM cannot give the figures;
     * made at the first read, not when the first executor is made: the JVM's management classes
     * stay off the start-up's path.
     */
    private static final class Holder {
        static final Reader READER = Reader.create();
    }

    /** Per live thread id, its last {cpu nanoseconds, allocated bytes}. */
    private Map<Long, long[]> last = new HashMap<>();
    private long retiredCpu;
    private long retiredAllocated;
    private long cpuNanos = ExecutorReading.ABSENT;
    private long allocatedBytes = ExecutorReading.ABSENT;

    /** True where this JVM measures the CPU time of each thread. */
    static boolean cpuAvailable() {
        return Holder.READER != null && Holder.READER.cpu;
    }

    /** True where this JVM counts the bytes each thread allocates. */
    static boolean allocationAvailable() {
        return Holder.READER != null && Holder.READER.allocation;
    }

    /**
     * Reads the threads of one pass, {@code ids[i]} a thread's id, into {@code cpu[i]} (ns) and
     * {@code allocated[i]} (bytes), -1 for a thread that has ended or a figure the JVM lacks.
     */
    static void read(long[] ids, long[] cpu, long[] allocated) {
        java.util.Arrays.fill(cpu, -1);
        java.util.Arrays.fill(allocated, -1);
        if (Holder.READER != null && ids.length > 0) {
            Holder.READER.read(ids, cpu, allocated);
        }
    }

    /**
     * Takes the pass's figures of this executor's threads, {@code ids[from..to)} with their
     * {@code cpu} and {@code allocated} readings, and updates the totals.
     */
    void update(long[] ids, long[] cpu, long[] allocated, int from, int to) {
        Map<Long, long[]> next = new HashMap<>();
        long liveCpu = 0;
        long liveAllocated = 0;
        for (int i = from; i < to; i++) {
            if (cpu[i] < 0 && allocated[i] < 0) {
                continue;
            }
            long[] reading = {Math.max(cpu[i], 0), Math.max(allocated[i], 0)};
            long[] before = last.get(ids[i]);
            if (before != null) {
                // A reading never goes below the last one (a counter the JVM lost keeps its old value).
                reading[0] = Math.max(reading[0], before[0]);
                reading[1] = Math.max(reading[1], before[1]);
            }
            if (next.put(ids[i], reading) == null) {
                liveCpu += reading[0];
                liveAllocated += reading[1];
            }
        }
        for (Map.Entry<Long, long[]> gone : last.entrySet()) {
            if (!next.containsKey(gone.getKey())) {
                retiredCpu += gone.getValue()[0];
                retiredAllocated += gone.getValue()[1];
            }
        }
        last = next;
        cpuNanos = cpuAvailable() ? retiredCpu + liveCpu : ExecutorReading.ABSENT;
        allocatedBytes = allocationAvailable() ? retiredAllocated + liveAllocated : ExecutorReading.ABSENT;
    }

    /** CPU time of the executor's threads, in nanoseconds, or ABSENT. */
    long cpuNanos() {
        return cpuNanos;
    }

    /** Bytes allocated by the executor's threads, or ABSENT. */
    long allocatedBytes() {
        return allocatedBytes;
    }

    /** The JVM's bulk thread readings, behind the interfaces that may be missing. */
    private static final class Reader {
        final ThreadMXBean threads;
        final com.sun.management.ThreadMXBean extended;
        final boolean cpu;
        final boolean allocation;

        private Reader(ThreadMXBean threads) {
            this.threads = threads;
            this.extended = threads instanceof com.sun.management.ThreadMXBean
                    ? (com.sun.management.ThreadMXBean) threads : null;
            this.cpu = threads.isThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
            this.allocation = extended != null && extended.isThreadAllocatedMemorySupported()
                    && extended.isThreadAllocatedMemoryEnabled();
        }

        static Reader create() {
            try {
                return new Reader(ManagementFactory.getThreadMXBean());
            } catch (RuntimeException | LinkageError e) {
                return null;
            }
        }

        void read(long[] ids, long[] cpuOut, long[] allocatedOut) {
            if (cpu) {
                if (extended != null) {
                    System.arraycopy(extended.getThreadCpuTime(ids), 0, cpuOut, 0, ids.length);
                } else {
                    for (int i = 0; i < ids.length; i++) {
                        cpuOut[i] = threads.getThreadCpuTime(ids[i]);
                    }
                }
            }
            if (allocation) {
                System.arraycopy(extended.getThreadAllocatedBytes(ids), 0, allocatedOut, 0, ids.length);
            }
        }
    }
}
