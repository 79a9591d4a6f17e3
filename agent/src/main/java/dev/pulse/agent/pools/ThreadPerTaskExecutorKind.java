package dev.pulse.agent.pools;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;

/**
 * The JDK's thread-per-task executor (JDK 21+), {@code java.util.concurrent.ThreadPerTaskExecutor},
 * made by {@code Executors.newVirtualThreadPerTaskExecutor()} and
 * {@code Executors.newThreadPerTaskExecutor(factory)}: a new thread for each task, no queue, no
 * bound. Exported with its live threads as both its threads and its active threads; it has no
 * maximum, queue, idle thread, completed or rejected count, so those are absent. Named from its
 * threads' names where its factory names them ({@code Thread.ofVirtual().name("fetch-", 0)}
 * names "fetch"), else from the code that made it.
 *
 * <p>Its live threads are counted by the executor itself ({@code ThreadContainer.threadCount()},
 * the size of its set of started, unfinished threads), through a public method of the JDK's
 * internal {@code jdk.internal.vm.ThreadContainer}, which {@link #open} exports to the agent.
 * The CPU time of virtual threads is spent on the virtual-thread scheduler's carrier threads and
 * counted there ({@link VirtualThreadScheduler}), so this kind gives none of its own.
 *
 * <p>The agent targets Java 11: everything of JDK 21 is reached by name.
 */
public final class ThreadPerTaskExecutorKind implements ExecutorKind {

    static final String CLASS_NAME = "java.util.concurrent.ThreadPerTaskExecutor";
    private static final String CONTAINER_PACKAGE = "jdk.internal.vm";
    private static final String CONTAINER = CONTAINER_PACKAGE + ".ThreadContainer";
    private static volatile Method threadCount;
    private static volatile Method threads;

    /**
     * Makes the executors' thread counts readable: exports {@code jdk.internal.vm} to the agent's
     * module, with the Instrumentation the JVM handed the agent. False on a JDK without thread
     * containers (before 21) or where that cannot be done; this kind then reads nothing.
     */
    public static boolean open(Instrumentation instrumentation) {
        if (threadCount != null) {
            return true;
        }
        try {
            Class<?> container = Class.forName(CONTAINER, false, null);
            instrumentation.redefineModule(Object.class.getModule(), Set.of(),
                    Map.of(CONTAINER_PACKAGE, Set.of(ThreadPerTaskExecutorKind.class.getModule())), Map.of(), Set.of(),
                    Map.of());
            threads = container.getMethod("threads");
            threadCount = container.getMethod("threadCount");
            return true;
        } catch (Throwable e) {
            return false;
        }
    }

    @Override
    public String className() {
        return CLASS_NAME;
    }

    /** Every way of giving it tasks but {@code execute} and {@code invoke*}: all of {@code submit}. */
    @Override
    public String usedMethodName() {
        return "submit";
    }

    /**
     * The name of one of its live threads: "" for an unnamed virtual thread, which names no pool,
     * so the executor is then named from where it was made; null while it has none.
     */
    @Override
    public String threadName(Object pool) throws ReflectiveOperationException {
        Method method = threads;
        if (method == null) {
            return null;
        }
        Optional<?> first = ((Stream<?>) method.invoke(pool)).findFirst();
        return first.map(thread -> ((Thread) thread).getName()).orElse(null);
    }

    @Override
    public boolean shutdown(Object pool) {
        return ((ExecutorService) pool).isShutdown();
    }

    @Override
    public ExecutorReading read(Object pool) throws ReflectiveOperationException {
        Method method = threadCount;
        if (method == null) {
            throw new IllegalStateException(CONTAINER_PACKAGE + " is not exported to the agent: no thread count");
        }
        long live = ((Number) method.invoke(pool)).longValue();
        return new ExecutorReading(live, live, ExecutorReading.ABSENT, ExecutorReading.ABSENT, ExecutorReading.ABSENT,
                ExecutorReading.ABSENT, ExecutorReading.ABSENT);
    }

    @Override
    public boolean threadCosts() {
        return false;
    }
}
