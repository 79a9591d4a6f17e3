package dev.pulse.agent.bridge;

/**
 * The one class that woven code calls. It is injected into the bootstrap class loader, so
 * code woven into classes of any loader can reach it, and it references JDK types only.
 *
 * <p>Until the agent installs its hooks every call is a no-op on {@link Hooks#NONE}.
 */
public final class Bridge {

    private static volatile Hooks hooks = Hooks.NONE;

    private Bridge() {
    }

    /** Installs the agent's hooks; the first installation wins, later ones return false. */
    public static synchronized boolean install(Hooks installed) {
        if (hooks != Hooks.NONE) {
            return false;
        }
        hooks = installed;
        return true;
    }

    /** True once an agent has installed its hooks in this JVM. */
    public static boolean installed() {
        return hooks != Hooks.NONE;
    }

    public static long timerEnter(int timer) {
        return hooks.timerEnter(timer);
    }

    public static void timerExit(int timer, long token, Throwable thrown) {
        hooks.timerExit(timer, token, thrown);
    }

    public static long suspendEnter(int timer, Object continuation) {
        return hooks.suspendEnter(timer, continuation);
    }

    public static void suspendExit(int timer, long token, Object continuation, Object returned, Throwable thrown) {
        hooks.suspendExit(timer, token, continuation, returned, thrown);
    }

    public static void continuationResumed(Object continuation, Object result, boolean resultKnown) {
        hooks.continuationResumed(continuation, result, resultKnown);
    }

    public static void instanceCreated(int source, Object instance) {
        hooks.instanceCreated(source, instance);
    }

    public static void classInitialized(int source, Class<?> type) {
        hooks.classInitialized(source, type);
    }

    public static void poolCreated(int kind, Object pool) {
        hooks.poolCreated(kind, pool);
    }

    public static void executorCreated(Object executor) {
        hooks.executorCreated(executor);
    }

    public static void executorOfKindCreated(int kind, Object executor) {
        hooks.executorOfKindCreated(kind, executor);
    }

    public static void executorThreadCreated(Object executor, Thread thread) {
        hooks.executorThreadCreated(executor, thread);
    }

    public static void executorRejected(Object executor) {
        hooks.executorRejected(executor);
    }

    public static void connectionAcquired(Object pool, long startNanos, Throwable thrown) {
        hooks.connectionAcquired(pool, startNanos, thrown);
    }

    public static void threadDied(Thread thread, Throwable uncaught) {
        hooks.threadDied(thread, uncaught);
    }

    public static void taskFailed(Object executor) {
        hooks.taskFailed(executor);
    }

    /**
     * {@code ThreadPoolExecutor.processWorkerExit(worker, completedAbruptly)}: a worker left its
     * loop because its task threw.
     */
    public static void workerExited(Object executor, boolean completedAbruptly) {
        if (completedAbruptly) {
            hooks.taskFailed(executor);
        }
    }

    /**
     * {@code FutureTask.setException} returned: {@code stateBefore} and {@code stateAfter} are the
     * task's {@code state} field before and after. Counted when this call moved the task from new
     * (0) to exceptional (3): not after a cancel, not twice.
     */
    public static void futureSetException(int stateBefore, int stateAfter) {
        if (stateBefore == 0 && stateAfter == 3) {
            hooks.taskFailed(null);
        }
    }

    /**
     * {@code ForkJoinTask.doExec()} returned: the task's {@code status} field before and after. Counted
     * when the task holds an exception (bit 1 << 17) it did not hold before.
     */
    public static void forkJoinExecuted(int statusBefore, int statusAfter) {
        int thrown = 1 << 17;
        if ((statusBefore & thrown) == 0 && (statusAfter & thrown) != 0) {
            hooks.taskFailed(null);
        }
    }
}
