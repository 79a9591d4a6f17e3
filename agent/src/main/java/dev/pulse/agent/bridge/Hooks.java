package dev.pulse.agent.bridge;

/** What woven code reports to the agent. Implementations must never throw. */
public interface Hooks {

    /** Called on entry of a timed method; the returned token comes back to {@link #timerExit}. */
    long timerEnter(int timer);

    /** Called when a timed method returns ({@code thrown == null}) or throws. */
    void timerExit(int timer, long token, Throwable thrown);

    /** Entry of a timed Kotlin suspend function, with its continuation argument; the token goes to {@link #suspendExit}. */
    long suspendEnter(int timer, Object continuation);

    /** A timed Kotlin suspend function returned {@code returned} (maybe COROUTINE_SUSPENDED) or threw. */
    void suspendExit(int timer, long token, Object continuation, Object returned, Throwable thrown);

    /**
     * A Kotlin continuation is resumed; {@code result} is what it is resumed with when
     * {@code resultKnown}, a value or a failed {@code kotlin.Result}.
     */
    void continuationResumed(Object continuation, Object result, boolean resultKnown);

    /** A constructor of a class holding a sampled instance field finished. */
    void instanceCreated(int source, Object instance);

    /** A class holding a sampled static field was initialized. */
    void classInitialized(int source, Class<?> type);

    /** A constructor of a known connection pool class finished; {@code kind} indexes the pool kinds. */
    void poolCreated(int kind, Object pool);

    /** A constructor of ThreadPoolExecutor or ForkJoinPool finished (once per constructor in the chain). */
    void executorCreated(Object executor);

    /**
     * A constructor of a framework executor class finished, or its per-task method was entered;
     * {@code kind} indexes the executor kinds.
     */
    void executorOfKindCreated(int kind, Object executor);

    /** A ThreadPoolExecutor, or an executor of a kind with a worker class, made a worker thread (not started yet). */
    void executorThreadCreated(Object executor, Thread thread);

    /** A ThreadPoolExecutor rejected a task. */
    void executorRejected(Object executor);

    /** A pool's connection acquisition, started at {@code startNanos}, returned or threw. */
    void connectionAcquired(Object pool, long startNanos, Throwable thrown);

    /** {@code thread} dies of {@code uncaught}: the JVM dispatches it to the thread's handler next. */
    void threadDied(Thread thread, Throwable uncaught);

    /**
     * A task ended by throwing on {@code executor}, or, when it is null, on the executor the
     * current thread works for.
     */
    void taskFailed(Object executor);

    Hooks NONE = new Hooks() {
        @Override
        public long timerEnter(int timer) {
            return 0L;
        }

        @Override
        public void timerExit(int timer, long token, Throwable thrown) {
        }

        @Override
        public long suspendEnter(int timer, Object continuation) {
            return 0L;
        }

        @Override
        public void suspendExit(int timer, long token, Object continuation, Object returned, Throwable thrown) {
        }

        @Override
        public void continuationResumed(Object continuation, Object result, boolean resultKnown) {
        }

        @Override
        public void instanceCreated(int source, Object instance) {
        }

        @Override
        public void classInitialized(int source, Class<?> type) {
        }

        @Override
        public void poolCreated(int kind, Object pool) {
        }

        @Override
        public void executorCreated(Object executor) {
        }

        @Override
        public void executorOfKindCreated(int kind, Object executor) {
        }

        @Override
        public void executorThreadCreated(Object executor, Thread thread) {
        }

        @Override
        public void executorRejected(Object executor) {
        }

        @Override
        public void connectionAcquired(Object pool, long startNanos, Throwable thrown) {
        }

        @Override
        public void threadDied(Thread thread, Throwable uncaught) {
        }

        @Override
        public void taskFailed(Object executor) {
        }
    };
}
