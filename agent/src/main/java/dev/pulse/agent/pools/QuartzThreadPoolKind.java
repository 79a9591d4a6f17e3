package dev.pulse.agent.pools;

import static dev.pulse.agent.pools.Reflection.callLong;
import static dev.pulse.agent.pools.Reflection.field;

import java.util.ArrayList;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * Quartz's {@code org.quartz.simpl.SimpleThreadPool} (2.x; Spring's SimpleThreadPoolTaskExecutor
 * extends it): a fixed set of worker threads named "&lt;scheduler&gt;_Worker-N", made and started by
 * its initialize(), which names the pool. Threads are its live workers, busy its busy workers,
 * idle its available ones, max its configured thread count. It has no queue of its own (jobs
 * wait in the job store until a worker is free) and counts no completed jobs: those are absent.
 *
 * <p>Its worker lists are guarded by a lock that its shutdown() holds while it joins every worker
 * and that its scheduler thread waits on in blockForAvailableThreads(), so they are read without
 * it: a list's size is one field, read as it stands; the workers list is written only before its
 * threads start and once the pool is shut down, when it is no longer read.
 */
final class QuartzThreadPoolKind implements ExecutorKind {

    static final String CLASS_NAME = "org.quartz.simpl.SimpleThreadPool";

    @Override
    public String className() {
        return CLASS_NAME;
    }

    /** The scheduler hands every job run to runInThread(). */
    @Override
    public String usedMethodName() {
        return "runInThread";
    }

    /** Its first worker's name ("MyScheduler_Worker-1"); null before initialize(). */
    @Override
    public String threadName(Object pool) throws ReflectiveOperationException {
        List<Thread> workers = workers(pool);
        return workers.isEmpty() ? null : workers.get(0).getName();
    }

    @Override
    public boolean shutdown(Object pool) throws ReflectiveOperationException {
        return (Boolean) field(pool, "isShutdown");
    }

    @Override
    public ExecutorReading read(Object pool) throws ReflectiveOperationException {
        long threads = 0;
        for (Thread worker : workers(pool)) {
            if (live(worker)) {
                threads++;
            }
        }
        return new ExecutorReading(threads, size(field(pool, "busyWorkers")), size(field(pool, "availWorkers")),
                callLong(pool, "getThreadCount"), ExecutorReading.ABSENT, ExecutorReading.ABSENT,
                ExecutorReading.ABSENT);
    }

    @Override
    public void threads(Object pool, Consumer<Thread> each) throws ReflectiveOperationException {
        for (Thread worker : workers(pool)) {
            if (live(worker)) {
                each.accept(worker);
            }
        }
    }

    /** A copy of its workers list, empty before initialize() or if the list changes under the copy. */
    private static List<Thread> workers(Object pool) throws ReflectiveOperationException {
        Object workers = field(pool, "workers");
        List<Thread> copy = new ArrayList<>();
        if (workers instanceof Collection) {
            try {
                for (Object worker : (Collection<?>) workers) {
                    if (worker instanceof Thread) {
                        copy.add((Thread) worker);
                    }
                }
            } catch (ConcurrentModificationException | NoSuchElementException | NullPointerException e) {
                // Changed under the copy: only while the pool shuts down, when it is no longer exported.
                return List.of();
            }
        }
        return copy;
    }

    private static long size(Object list) {
        return list instanceof Collection ? ((Collection<?>) list).size() : ExecutorReading.ABSENT;
    }

    private static boolean live(Thread thread) {
        return thread.getState() != Thread.State.NEW && thread.getState() != Thread.State.TERMINATED;
    }
}
