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
    };
}
