package dev.pulse.agent.sample;

/** One read the sampler makes every interval: one queue, one pool, one SQL gauge. */
public interface SampleTask {

    /** The value of the {@code source} label of pulse_sampler_errors_total. */
    String name();

    /** How long the sampler waits for one run; null for its default. */
    default java.time.Duration timeout() {
        return null;
    }

    /**
     * True for a read that may be slow by nature (a query over the network): it runs on its own
     * schedule and thread, and no pass over the other reads ever waits for it.
     */
    default boolean ownSchedule() {
        return false;
    }

    /** The run started last is still running at its deadline; it may go on, on its own thread. */
    default void expired() {
    }

    /** Takes one sample; reports what failed to {@code errors} (or throws) and never loops forever on purpose. */
    void run(Errors errors) throws Exception;

    /** Where a task reports a failed read. */
    interface Errors {
        void failed(String source, String message);
    }
}
