package dev.pulse.agent.weave;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.pulse.agent.bridge.Bridge;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * Failures on the JDK's threads and executors, each heard once where the JDK itself settles it:
 * <ul>
 * <li>{@code Thread.dispatchUncaughtException(Throwable)}: the JVM calls it on a thread that dies of
 * an uncaught exception (private on JDK 17, package-private on JDK 25, where a virtual thread's
 * {@code run} calls the same method when its task throws; no subclass overrides it), and it
 * calls the thread's handler; the advice runs first and changes nothing of what follows;</li>
 * <li>{@code ThreadPoolExecutor.processWorkerExit(Worker, true)}: a worker leaves its loop because
 * the task it ran threw (a task given to {@code execute}; its thread then dies too);</li>
 * <li>{@code FutureTask.setException(Throwable)} turning a task from new to failed: a task given to
 * {@code submit}, {@code schedule}, {@code invokeAll}, or a periodic task, which then stops;</li>
 * <li>{@code ForkJoinTask.doExec()} that ends with the task holding an exception it did not hold
 * before: a ForkJoinPool task that threw.</li>
 * </ul>
 * Every advice suppresses what it throws; only the last runs on every ForkJoinPool task, and it
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

    private FailureInstrumentation() {
    }

    static AgentBuilder install(AgentBuilder builder) {
        return builder
                .type(named(THREAD))
                .transform((b, type, loader, module, domain) -> b.visit(Advice.to(UncaughtAdvice.class)
                        .on(named("dispatchUncaughtException").and(takesArguments(1))
                                .and(takesArgument(0, Throwable.class)))))
                .type(named(PoolInstrumentation.THREAD_POOL_EXECUTOR))
                .transform((b, type, loader, module, domain) -> b.visit(Advice.to(WorkerExitAdvice.class)
                        .on(named("processWorkerExit").and(takesArguments(2)))))
                .type(named(FUTURE_TASK))
                .transform((b, type, loader, module, domain) -> b.visit(Advice.to(FutureFailedAdvice.class)
                        .on(named("setException").and(takesArguments(1)))))
                .type(named(FORK_JOIN_TASK))
                .transform((b, type, loader, module, domain) -> b.visit(Advice.to(ForkJoinExecAdvice.class)
                        .on(named("doExec").and(takesArguments(0)))));
    }

    /** Before the handler: the count is taken even when the handler exits the JVM or never returns. */
    static final class UncaughtAdvice {

        private UncaughtAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Thread thread, @Advice.Argument(0) Throwable uncaught) {
            Bridge.threadDied(thread, uncaught);
        }
    }

    /** {@code processWorkerExit(Worker w, boolean completedAbruptly)}. */
    static final class WorkerExitAdvice {

        private WorkerExitAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object executor, @Advice.Argument(1) boolean completedAbruptly) {
            if (completedAbruptly) {
                Bridge.taskFailed(executor);
            }
        }
    }

    /** Counted when this call is the one that made the task failed: not after a cancel, not twice. */
    static final class FutureFailedAdvice {

        private FutureFailedAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static boolean enter(@Advice.FieldValue("state") int state) {
            return state == FUTURE_NEW;
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Enter boolean wasNew, @Advice.FieldValue("state") int state) {
            if (wasNew && state == FUTURE_EXCEPTIONAL) {
                Bridge.taskFailed(null);
            }
        }
    }

    /** A task that was not done, and now holds an exception, threw in this run. */
    static final class ForkJoinExecAdvice {

        private ForkJoinExecAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static boolean enter(@Advice.FieldValue("status") int status) {
            return (status & FORK_JOIN_THROWN) == 0;
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Enter boolean hadNoException, @Advice.FieldValue("status") int status) {
            if (hadNoException && (status & FORK_JOIN_THROWN) != 0) {
                Bridge.taskFailed(null);
            }
        }
    }
}
