package dev.pulse.agent.bridge;

/** What woven code reports to the agent. Implementations must never throw. */
public interface Hooks {

    /** Called on entry of a timed method; the returned token comes back to {@link #timerExit}. */
    long timerEnter(int timer);

    /** Called when a timed method returns ({@code thrown == null}) or throws. */
    void timerExit(int timer, long token, Throwable thrown);

    /** A constructor of a class holding a sampled instance field finished. */
    void instanceCreated(int source, Object instance);

    /** A class holding a sampled static field was initialized. */
    void classInitialized(int source, Class<?> type);

    /** A constructor of a known connection pool class finished; {@code kind} indexes the pool kinds. */
    void poolCreated(int kind, Object pool);

    /** A constructor of ThreadPoolExecutor or ForkJoinPool finished (once per constructor in the chain). */
    void executorCreated(Object executor);

    /** A ThreadPoolExecutor made a worker thread (not started yet). */
    void executorThreadCreated(Object executor, Thread thread);

    /** A ThreadPoolExecutor rejected a task. */
    void executorRejected(Object executor);

    /** A pool's connection acquisition, started at {@code startNanos}, returned or threw. */
    void connectionAcquired(Object pool, long startNanos, Throwable thrown);

    Hooks NONE = new Hooks() {
        @Override
        public long timerEnter(int timer) {
            return 0L;
        }

        @Override
        public void timerExit(int timer, long token, Throwable thrown) {
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
        public void executorThreadCreated(Object executor, Thread thread) {
        }

        @Override
        public void executorRejected(Object executor) {
        }

        @Override
        public void connectionAcquired(Object pool, long startNanos, Throwable thrown) {
        }
    };
}
