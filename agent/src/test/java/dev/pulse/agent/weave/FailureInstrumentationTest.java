package dev.pulse.agent.weave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.pulse.agent.weave.TimerInstrumentationTest.RecordingHooks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The failure hooks woven into stand-ins shaped like the JDK methods it is woven into (same
 * names, arguments and fields), without an agent: redefined and loaded child-first.
 */
class FailureInstrumentationTest {

    private static final RecordingHooks HOOKS = TimerInstrumentationTest.HOOKS;

    @BeforeAll
    static void installHooks() {
        RecordingHooks.install(HOOKS);
    }

    @BeforeEach
    @AfterEach
    void clear() {
        HOOKS.calls.clear();
        HOOKS.failing = false;
    }

    @Test
    void aDyingThreadIsReportedBeforeItsHandlerRunsWhichRunsAsBefore() throws Exception {
        Dying dying = (Dying) weave(DyingThread.class, FailureInstrumentation.UNCAUGHT,
                "dispatchUncaughtException");
        ((Thread) dying).setName("order-consumer");
        IllegalStateException uncaught = new IllegalStateException("lost");
        dying.dispatchUncaughtException(uncaught);
        assertEquals(List.of("died order-consumer IllegalStateException"), HOOKS.calls);
        assertEquals(List.of(uncaught), dying.handled());
        HOOKS.failing = true;
        dying.dispatchUncaughtException(uncaught);
        assertEquals(2, dying.handled().size(), "a fault in the agent leaves the handler to run");
        assertSame(uncaught, dying.handled().get(1));
    }

    @Test
    void aWorkerLeavingAbruptlyCountsOneFailedTaskOfItsExecutor() throws Exception {
        WorkerExits executor = (WorkerExits) weave(Executor.class, FailureInstrumentation.WORKER_EXIT,
                "processWorkerExit");
        executor.processWorkerExit(new Object(), false);
        executor.processWorkerExit(new Object(), true);
        assertEquals(List.of("failed Executor"), HOOKS.calls);
        assertEquals(2, executor.exits());
    }

    @Test
    void aFutureIsCountedOnlyWhenThisCallMadeItFailed() throws Exception {
        Failing failing = (Failing) weave(Future.class, FailureInstrumentation.FUTURE_FAILED, "setException");
        failing.setException(new IllegalStateException());
        assertEquals(List.of("failed current"), HOOKS.calls);
        failing.setException(new IllegalStateException());
        assertEquals(1, HOOKS.calls.size(), "already failed: not again");
        Failing cancelled = (Failing) weave(Future.class, FailureInstrumentation.FUTURE_FAILED,
                "setException");
        cancelled.state(4);
        cancelled.setException(new IllegalStateException());
        assertEquals(1, HOOKS.calls.size(), "a cancelled task's exception is not set: not counted");
    }

    @Test
    void aForkJoinTaskIsCountedWhenItsRunLeavesItHoldingAnException() throws Exception {
        Executing task = (Executing) weave(ForkJoinTask.class, FailureInstrumentation.FORK_JOIN_EXEC,
                "doExec");
        task.doExec();
        assertEquals(List.of(), HOOKS.calls, "a run that completes normally");
        task.throwing();
        task.status(0);
        assertEquals(FailureInstrumentation.FORK_JOIN_THROWN, task.doExec());
        assertEquals(List.of("failed current"), HOOKS.calls);
        task.doExec();
        assertEquals(1, HOOKS.calls.size(), "already holding its exception: not again");
        HOOKS.failing = true;
        task.status(0);
        assertEquals(FailureInstrumentation.FORK_JOIN_THROWN, task.doExec(), "a fault in the agent changes nothing");
    }

    private static Object weave(Class<?> type, MethodHook hook, String method) throws Exception {
        WovenMethods woven = new WovenMethods();
        for (ClassShape.Member member : WeaveSupport.shape(type).methods) {
            if (member.name.equals(method)) {
                woven.add(member, hook);
            }
        }
        return WeaveSupport.load(type, woven).getDeclaredConstructor().newInstance();
    }

    /** The stand-ins are loaded child-first, so the test sees them through these interfaces. */
    public interface Dying {
        void dispatchUncaughtException(Throwable e);

        List<Throwable> handled();
    }

    public interface WorkerExits {
        void processWorkerExit(Object worker, boolean completedAbruptly);

        int exits();
    }

    public interface Failing {
        void setException(Throwable t);

        void state(int state);
    }

    public interface Executing {
        int doExec();

        void status(int status);

        void throwing();
    }

    public static class DyingThread extends Thread implements Dying {
        private final List<Throwable> handled = new ArrayList<>();

        public DyingThread() {
        }

        @Override
        public void dispatchUncaughtException(Throwable e) {
            handled.add(e);
        }

        @Override
        public List<Throwable> handled() {
            return handled;
        }
    }

    public static class Executor implements WorkerExits {
        private int exits;

        @Override
        public void processWorkerExit(Object worker, boolean completedAbruptly) {
            exits++;
        }

        @Override
        public int exits() {
            return exits;
        }
    }

    public static class Future implements Failing {
        private volatile int state;

        @Override
        public void setException(Throwable t) {
            if (state == FailureInstrumentation.FUTURE_NEW) {
                state = FailureInstrumentation.FUTURE_EXCEPTIONAL;
            }
        }

        @Override
        public void state(int state) {
            this.state = state;
        }
    }

    public static class ForkJoinTask implements Executing {
        private volatile int status;
        private boolean throwing;

        @Override
        public int doExec() {
            if (status == 0) {
                status = throwing ? FailureInstrumentation.FORK_JOIN_THROWN : 1;
            }
            return status;
        }

        @Override
        public void status(int status) {
            this.status = status;
        }

        @Override
        public void throwing() {
            throwing = true;
        }
    }
}
