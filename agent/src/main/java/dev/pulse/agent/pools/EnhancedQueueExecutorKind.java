package dev.pulse.agent.pools;

import static dev.pulse.agent.pools.Reflection.call;
import static dev.pulse.agent.pools.Reflection.callLong;

import java.util.function.Consumer;

/**
 * JBoss Threads' {@code org.jboss.threads.EnhancedQueueExecutor} (jboss-threads 3.x): the task
 * pool of an XNIO worker, so the pool that runs Undertow's blocking requests (threads
 * "XNIO-1 task-N", exported as "XNIO-1 task"), and the executor of WildFly and Quarkus. Its
 * worker's I/O threads ("XNIO-1 I/O-N") are not part of it.
 *
 * <p>threads {@code getPoolSize()}, max {@code getMaximumPoolSize()}, queued
 * {@code getQueueSize()}. The executor counts its busy threads only when the JVM runs with
 * {@code -Djboss.threads.eqe.statistics.active-count=true} (or {@code ...statistics=true}), and its
 * completed and rejected tasks only with {@code -Djboss.threads.eqe.statistics=true}; without them
 * its getters answer -1 and those series are absent. Its queue size is absent too when its queue
 * is unlimited.
 */
final class EnhancedQueueExecutorKind implements ExecutorKind {

    static final String CLASS_NAME = "org.jboss.threads.EnhancedQueueExecutor";

    @Override
    public String className() {
        return CLASS_NAME;
    }

    @Override
    public String usedMethodName() {
        return "execute";
    }

    /** The name of one of its running threads: its thread factory is the application's. */
    @Override
    public String threadName(Object pool) throws ReflectiveOperationException {
        Object[] threads = (Object[]) call(pool, "getRunningThreads");
        return threads.length == 0 ? null : ((Thread) threads[0]).getName();
    }

    @Override
    public boolean shutdown(Object pool) throws ReflectiveOperationException {
        return (Boolean) call(pool, "isShutdown");
    }

    /** Its getters answer -1 for what it does not count, which is {@link ExecutorReading#ABSENT}. */
    @Override
    public ExecutorReading read(Object pool) throws ReflectiveOperationException {
        return new ExecutorReading(callLong(pool, "getPoolSize"), absentIfNegative(callLong(pool, "getActiveCount")),
                ExecutorReading.ABSENT, callLong(pool, "getMaximumPoolSize"),
                absentIfNegative(callLong(pool, "getQueueSize")),
                absentIfNegative(callLong(pool, "getCompletedTaskCount")),
                absentIfNegative(callLong(pool, "getRejectedTaskCount")));
    }

    @Override
    public void threads(Object pool, Consumer<Thread> each) throws ReflectiveOperationException {
        for (Object thread : (Object[]) call(pool, "getRunningThreads")) {
            each.accept((Thread) thread);
        }
    }

    private static long absentIfNegative(long value) {
        return value < 0 ? ExecutorReading.ABSENT : value;
    }
}
