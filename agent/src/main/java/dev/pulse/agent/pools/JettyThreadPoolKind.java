package dev.pulse.agent.pools;

import static dev.pulse.agent.pools.Reflection.call;
import static dev.pulse.agent.pools.Reflection.callLong;
import static dev.pulse.agent.pools.Reflection.field;

import java.util.Collection;
import java.util.function.Consumer;

/**
 * Jetty's {@code org.eclipse.jetty.util.thread.QueuedThreadPool} (Jetty 10, 11 and 12), the pool
 * of a Jetty server's requests, acceptors and selectors. It names its threads after itself,
 * "qtp&lt;hash&gt;-&lt;thread id&gt;" or the name the application gives it, so a default pool is
 * exported as "qtp" (its hash changes from run to run).
 *
 * <p>The figures are the pool's own: threads {@code getThreads()}; active {@code getBusyThreads()},
 * which counts the threads leased to the connectors' acceptors and selectors (busy for as long
 * as the server runs) as well as those running requests; idle {@code getReadyThreads()}, the
 * idle threads plus the reserved threads waiting for a task, so that active plus idle is the
 * number of threads; max {@code getMaxThreads()}; queued {@code getQueueSize()}. It counts
 * neither completed nor rejected tasks.
 */
final class JettyThreadPoolKind implements ExecutorKind {

    static final String CLASS_NAME = "org.eclipse.jetty.util.thread.QueuedThreadPool";

    @Override
    public String className() {
        return CLASS_NAME;
    }

    @Override
    public String usedMethodName() {
        return "execute";
    }

    /**
     * The pool's name with a thread id, once it runs: its name may still change before it
     * starts, and a pool that never started has no thread to name it.
     */
    @Override
    public String threadName(Object pool) throws ReflectiveOperationException {
        if (!(Boolean) call(pool, "isRunning")) {
            return null;
        }
        Object name = call(pool, "getName");
        return name == null ? null : name + "-1";
    }

    /** Stopping, stopped or failed; asked only once the pool has run, for it is "stopped" before it starts. */
    @Override
    public boolean shutdown(Object pool) throws ReflectiveOperationException {
        return !(Boolean) call(pool, "isRunning");
    }

    @Override
    public ExecutorReading read(Object pool) throws ReflectiveOperationException {
        return new ExecutorReading(callLong(pool, "getThreads"), callLong(pool, "getBusyThreads"),
                callLong(pool, "getReadyThreads"), callLong(pool, "getMaxThreads"), callLong(pool, "getQueueSize"),
                ExecutorReading.ABSENT, ExecutorReading.ABSENT);
    }

    /**
     * The pool's own set of its live threads (a concurrent set, read without a lock); none where
     * the field cannot be read (Jetty in a named module that does not open it), so that the
     * pool's figures are still exported.
     */
    @Override
    public void threads(Object pool, Consumer<Thread> each) throws ReflectiveOperationException {
        Object threads;
        try {
            threads = field(pool, "_threads");
        } catch (NoSuchFieldException | RuntimeException e) {
            return;
        }
        if (threads instanceof Collection) {
            for (Object thread : (Collection<?>) threads) {
                if (thread instanceof Thread) {
                    each.accept((Thread) thread);
                }
            }
        }
    }
}
