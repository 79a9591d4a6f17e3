package dev.pulse.agent.weave;

import java.util.List;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Failures on the JDK's threads and executors, each heard once where the JDK itself settles it:
 * <ul>
 * <li>{@code Thread.dispatchUncaughtException(Throwable)}: the JVM calls it on a thread that dies of
 * an uncaught exception (private on JDK 17, package-private on JDK 25, where a virtual thread's
 * {@code run} calls the same method when its task throws; no subclass overrides it), and it
 * calls the thread's handler; the hook runs first, before the handler (so the count is taken
 * even when the handler exits the JVM or never returns), and changes nothing of what follows;</li>
 * <li>{@code ThreadPoolExecutor.processWorkerExit(Worker, true)}: a worker leaves its loop because
 * the task it ran threw (a task given to {@code execute}; its thread then dies too);</li>
 * <li>{@code FutureTask.setException(Throwable)} turning a task from new to failed: a task given to
 * {@code submit}, {@code schedule}, {@code invokeAll}, or a periodic task, which then stops; not
 * after a cancel, not twice;</li>
 * <li>{@code ForkJoinTask.doExec()} that ends with the task holding an exception it did not hold
 * before: a ForkJoinPool task that threw.</li>
 * </ul>
 * Every hook swallows what it throws; only the last runs on every ForkJoinPool task, and it
 * reads a field twice.
 */
final class FailureInstrumentation {

    static final String THREAD = "java.lang.Thread";
    static final String FUTURE_TASK = "java.util.concurrent.FutureTask";
    static final String FORK_JOIN_TASK = "java.util.concurrent.ForkJoinTask";
    /** JDK types woven for failures, which the weaver otherwise leaves alone (besides the pool types). */
    static final List<String> JDK_TYPES = List.of(THREAD, FUTURE_TASK, FORK_JOIN_TASK);

    /** FutureTask's state values (the same on JDK 11 to 25). */
    static final int FUTURE_NEW = 0;
    static final int FUTURE_EXCEPTIONAL = 3;
    /** ForkJoinTask's status bit for "completed with an exception" (the same on JDK 11 to 25). */
    static final int FORK_JOIN_THROWN = 1 << 17;

    static final MethodHook UNCAUGHT = MethodHook.onEnter(
            MethodHook.Call.bridge("threadDied", "(Ljava/lang/Thread;Ljava/lang/Throwable;)V"),
            MethodHook.Arg.THIS, MethodHook.Arg.argument(0));
    static final MethodHook WORKER_EXIT = MethodHook.onEnter(
            MethodHook.Call.bridge("workerExited", "(Ljava/lang/Object;Z)V"),
            MethodHook.Arg.THIS, MethodHook.Arg.argument(1));
    static final MethodHook FUTURE_FAILED = stateChange("state", "futureSetException");
    static final MethodHook FORK_JOIN_EXEC = stateChange("status", "forkJoinExecuted");

    private FailureInstrumentation() {
    }

    /**
     * Reads the int field {@code field} of {@code this} on entry and passes it, with its value at
     * the return, to the bridge's {@code method}; -1 if the read on entry failed (the bridge then
     * counts nothing).
     */
    private static MethodHook stateChange(String field, String method) {
        MethodHook.Arg read = MethodHook.Arg.thisField(field, "I");
        return MethodHook.around(null, new MethodHook.Arg[] {read}, Type.INT, -1,
                MethodHook.Call.bridge(method, "(II)V"), new MethodHook.Arg[] {MethodHook.Arg.STATE, read}, false);
    }

    /** Adds the hooks of the JDK type {@code type} (a binary name of {@link #JDK_TYPES} or ThreadPoolExecutor). */
    static void apply(String binaryName, ClassShape type, WovenMethods woven) {
        for (ClassShape.Member method : type.methods) {
            if (method.is(Opcodes.ACC_STATIC)) {
                continue;
            }
            int arguments = Type.getArgumentTypes(method.descriptor).length;
            switch (binaryName) {
                case THREAD:
                    if (method.name.equals("dispatchUncaughtException")
                            && method.descriptor.equals("(Ljava/lang/Throwable;)V")) {
                        woven.add(method, UNCAUGHT);
                    }
                    break;
                case PoolInstrumentation.THREAD_POOL_EXECUTOR:
                    if (method.name.equals("processWorkerExit") && arguments == 2) {
                        woven.add(method, WORKER_EXIT);
                    }
                    break;
                case FUTURE_TASK:
                    if (method.name.equals("setException") && arguments == 1) {
                        woven.add(method, FUTURE_FAILED);
                    }
                    break;
                case FORK_JOIN_TASK:
                    if (method.name.equals("doExec") && arguments == 0) {
                        woven.add(method, FORK_JOIN_EXEC);
                    }
                    break;
                default:
                    break;
            }
        }
    }
}
