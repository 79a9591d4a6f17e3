package dev.pulse.agent.pools;

import static dev.pulse.agent.pools.Reflection.call;
import static dev.pulse.agent.pools.Reflection.callLong;
import static dev.pulse.agent.pools.Reflection.field;
import static dev.pulse.agent.pools.Reflection.isA;

import java.util.Collection;

/**
 * Tomcat's own executor, {@code org.apache.tomcat.util.threads.ThreadPoolExecutor} (Tomcat 9.0.x
 * from 9.0.57, 10.1 and 11): a copy of the JDK's ThreadPoolExecutor, not a subclass, so the JDK's
 * hooks never see it. Its connectors' threads are named "http-nio-8080-exec-N". Its TaskQueue
 * refuses a task while the pool is below its maximum, so unlike an unbounded JDK queue it lets
 * the pool grow to its configured maximum.
 */
final class TomcatExecutorKind implements ExecutorKind {

    static final String CLASS_NAME = "org.apache.tomcat.util.threads.ThreadPoolExecutor";
    private static final String TASK_QUEUE = "org.apache.tomcat.util.threads.TaskQueue";
    private static final String TASK_THREAD_FACTORY = "org.apache.tomcat.util.threads.TaskThreadFactory";

    @Override
    public String className() {
        return CLASS_NAME;
    }

    @Override
    public String usedMethodName() {
        return "execute";
    }

    @Override
    public String workerClassName() {
        return CLASS_NAME + "$Worker";
    }

    @Override
    public String rejectMethodName() {
        return "reject";
    }

    /**
     * Tomcat's TaskThreadFactory names its threads with its {@code namePrefix} and a counter, so
     * a pool made before the agent was attached is named before it makes another thread.
     */
    @Override
    public String threadName(Object pool) throws ReflectiveOperationException {
        Object factory = call(pool, "getThreadFactory");
        if (factory != null && isA(factory, TASK_THREAD_FACTORY)) {
            Object prefix = field(factory, "namePrefix");
            return prefix == null ? null : prefix + "1";
        }
        return null;
    }

    @Override
    public boolean shutdown(Object pool) throws ReflectiveOperationException {
        return (Boolean) call(pool, "isShutdown");
    }

    @Override
    public ExecutorReading read(Object pool) throws ReflectiveOperationException {
        Collection<?> queue = (Collection<?>) call(pool, "getQueue");
        long max = callLong(pool, "getMaximumPoolSize");
        if (!isA(queue, TASK_QUEUE) && queue instanceof java.util.concurrent.BlockingQueue
                && ((java.util.concurrent.BlockingQueue<?>) queue).remainingCapacity() > Integer.MAX_VALUE / 2) {
            // As for the JDK's executor: past its core size it grows only when its queue refuses.
            max = Math.min(max, Math.max(callLong(pool, "getCorePoolSize"), 1));
        }
        return new ExecutorReading(callLong(pool, "getPoolSize"), callLong(pool, "getActiveCount"),
                ExecutorReading.ABSENT, max, queue.size(), callLong(pool, "getCompletedTaskCount"),
                ExecutorReading.ABSENT);
    }
}
