package dev.pulse.agent.pools;

import java.util.List;
import java.util.function.Consumer;

/**
 * One kind of framework thread pool (Tomcat's executor, Jetty's QueuedThreadPool, ...): the class
 * whose constructors announce a new pool, the optional hooks woven into it, and how to read one.
 * Pool classes live in the application's class loaders, so adapters reach them by reflection and
 * never link against them. The JDK's ThreadPoolExecutor and ForkJoinPool are not kinds: they are
 * read directly by {@link ExecutorPools}. Adding a kind means adding one adapter to {@link #ALL}
 * and its test; the weaving and the metrics follow from what the adapter declares.
 *
 * <p>Every method runs on the sampler's thread, except the hooks, which run in woven code. A read
 * must never start, configure or first-use the pool, create a thread, or wait for a task.
 */
public interface ExecutorKind {

    /** Every kind the agent knows; a kind's index here is its id in the woven code. */
    List<ExecutorKind> ALL = List.of(
            new TomcatExecutorKind(),
            new NettyEventExecutorGroupKind(),
            new QuartzThreadPoolKind(),
            new KotlinSchedulerKind(),
            new ThreadPerTaskExecutorKind(),
            new JettyThreadPoolKind(),
            new EnhancedQueueExecutorKind());

    /** The pool class; its constructors (and its subclasses') announce each new pool. */
    String className();

    /**
     * The prefix of the names of the pools of this kind made by the framework itself
     * ("tomcat:"), or "" when the name says enough.
     */
    default String owner() {
        return "";
    }

    /**
     * A public method of {@link #className} the pool runs for every task it is given (for
     * example {@code execute}), woven so that a pool made before the agent was attached is found
     * at its next use; null when there is none. Known pools return at once, without locking or
     * allocating.
     */
    default String usedMethodName() {
        return null;
    }

    /**
     * The pool's worker class, or null: its constructor takes the pool as its first argument
     * and keeps its thread in a field named {@code thread}, which is then reported as one of the
     * pool's threads (for its name and for its CPU time).
     */
    default String workerClassName() {
        return null;
    }

    /**
     * A method of {@link #className} taking one argument that the pool calls for each task it
     * rejects, or null: each call counts one rejected task.
     */
    default String rejectMethodName() {
        return null;
    }

    /**
     * The name of one of the pool's threads, or of the pool itself when it names its threads
     * after it, or null while it has none: the pool is exported under this name, without the
     * counter its thread factory appends ("http-nio-8080-exec-3" names "http-nio-8080-exec"),
     * from the first pass that finds one.
     */
    String threadName(Object pool) throws ReflectiveOperationException;

    /**
     * True once the pool takes no more tasks: it is no longer exported and its name is free.
     * Asked only once the pool has been named by {@link #threadName}, so a pool that reads as
     * stopped before it starts (Jetty's) is not taken for one that ended.
     */
    boolean shutdown(Object pool) throws ReflectiveOperationException;

    /** The pool's figures now; those the kind cannot give are {@link ExecutorReading#ABSENT}. */
    ExecutorReading read(Object pool) throws ReflectiveOperationException;

    /**
     * Gives each live thread of the pool to {@code each}, for its CPU time and allocated bytes.
     * The default gives none: threads reported through {@link #workerClassName} are counted
     * anyway.
     */
    default void threads(Object pool, Consumer<Thread> each) throws ReflectiveOperationException {
    }

    /**
     * False when the CPU time and allocations of the pool's threads cannot be read, so that
     * {@code pulse_executor_cpu_seconds_total} and {@code pulse_executor_allocated_bytes_total}
     * are absent for it rather than 0 (virtual threads: the JVM measures their carriers instead).
     */
    default boolean threadCosts() {
        return true;
    }
}
