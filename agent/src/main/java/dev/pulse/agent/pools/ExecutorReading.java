package dev.pulse.agent.pools;

/**
 * One executor's figures at one moment. A figure its kind cannot give is {@link #ABSENT} and
 * its series is left out, never exported as 0.
 */
public final class ExecutorReading {

    /** A figure the executor's kind cannot give. */
    public static final long ABSENT = -1;

    final long threads;
    final long active;
    final long idle;
    final long max;
    final long queued;
    final long completed;
    final long rejected;

    /**
     * {@code threads}: threads in the pool; {@code active}: threads running a task; {@code idle}:
     * threads waiting for one, where the pool counts them itself (else ABSENT); {@code max}: the
     * most threads it can reach; {@code queued}: tasks waiting; {@code completed}: tasks
     * completed since the pool was made; {@code rejected}: tasks rejected. Each is a count, or
     * ABSENT.
     */
    public ExecutorReading(long threads, long active, long idle, long max, long queued, long completed,
            long rejected) {
        this.threads = threads;
        this.active = active;
        this.idle = idle;
        this.max = max;
        this.queued = queued;
        this.completed = completed;
        this.rejected = rejected;
    }

    /** The same figures, with the rejections counted by the agent's own hook. */
    ExecutorReading withRejected(long counted) {
        return new ExecutorReading(threads, active, idle, max, queued, completed, counted);
    }
}
