package dev.pulse.agent.pools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.ByteArrayOutputStream;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The registry without weaving: the test reports what the woven constructors would. Executors
 * made here are made by code of the agent's package, so their names start with "pulse:".
 */
class ExecutorPoolsTest {

    private final List<String> failures = new ArrayList<>();
    private final ExecutorPools pools = new ExecutorPools(name -> name.equals("pulse:hidden"), Labels.EMPTY,
            PrometheusProperties.get());
    private final PrometheusRegistry registry = new PrometheusRegistry();

    ExecutorPoolsTest() {
        pools.register(registry);
    }

    @Test
    void theMaximumIsWhatTheExecutorCanReachNotWhatItWasGiven() {
        ScheduledThreadPoolExecutor scheduled = new ScheduledThreadPoolExecutor(2);
        ThreadPoolExecutor unbounded = new ThreadPoolExecutor(3, 20, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
        ThreadPoolExecutor coreZero = new ThreadPoolExecutor(0, 20, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
        ThreadPoolExecutor bounded = new ThreadPoolExecutor(2, 5, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(1));
        ThreadPoolExecutor cached = (ThreadPoolExecutor) Executors.newCachedThreadPool();
        try {
            assertEquals(2, ExecutorPools.reachableMax(scheduled), "never grows past its core size");
            assertEquals(1, ExecutorPools.reachableMax(new ScheduledThreadPoolExecutor(0)), "one thread at core 0");
            assertEquals(3, ExecutorPools.reachableMax(unbounded));
            assertEquals(1, ExecutorPools.reachableMax(coreZero));
            assertEquals(5, ExecutorPools.reachableMax(bounded), "a full queue adds threads up to the maximum");
            assertEquals(Integer.MAX_VALUE, ExecutorPools.reachableMax(cached), "unbounded indeed");
            // The "grow to the maximum before queuing" recipe: an unbounded queue that refuses while the pool can grow.
            ThreadPoolExecutor eager = new ThreadPoolExecutor(2, 10, 1, TimeUnit.MINUTES,
                    new LinkedBlockingQueue<Runnable>() {
                        @Override
                        public boolean offer(Runnable task) {
                            return false;
                        }
                    });
            assertEquals(10, ExecutorPools.reachableMax(eager), "its maximum is reached");
            eager.shutdownNow();
            assertEquals("main", ExecutorPools.methodName("lambda$main$17"));
            assertEquals("lambda", ExecutorPools.methodName("lambda"));
            assertEquals("start", ExecutorPools.methodName("start"));
        } finally {
            for (ThreadPoolExecutor executor : List.of(scheduled, unbounded, coreZero, bounded, cached)) {
                executor.shutdownNow();
            }
        }
    }

    @Test
    void theCpuTimeAndAllocationsOfAnExecutorsThreadsAddUpAndNeverGoDown() throws Exception {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "burner-" + System.nanoTime() % 1000);
                    pools.threadCreated(executorHolder[0], thread);
                    return thread;
                });
        executorHolder[0] = executor;
        pools.created(executor);
        try {
            // The first pass reads no CPU: it runs as the service starts.
            pools.run((source, message) -> failures.add(source + ": " + message));
            burn(executor, 2);
            pools.run((source, message) -> failures.add(source + ": " + message));
            String first = scrape();
            double cpu = value(first, "pulse_executor_cpu_seconds_total{executor=\"pulse:burner\"}");
            double allocated = value(first, "pulse_executor_allocated_bytes_total{executor=\"pulse:burner\"}");
            assertTrue(cpu >= 0.05, first);
            assertTrue(allocated >= 10_000_000, first);
            // Its threads end: what they used is kept, and a new thread adds to it.
            executor.setCorePoolSize(0);
            executor.setKeepAliveTime(1, TimeUnit.MILLISECONDS);
            executor.allowCoreThreadTimeOut(true);
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    executor.getPoolSize() > 0 && System.nanoTime() < deadline; ) {
                Thread.sleep(10);
            }
            pools.run((source, message) -> failures.add(source + ": " + message));
            executor.setKeepAliveTime(1, TimeUnit.MINUTES);
            burn(executor, 1);
            pools.run((source, message) -> failures.add(source + ": " + message));
            String second = scrape();
            assertTrue(value(second, "pulse_executor_cpu_seconds_total{executor=\"pulse:burner\"}") > cpu, second);
            assertTrue(value(second, "pulse_executor_allocated_bytes_total{executor=\"pulse:burner\"}") > allocated,
                    allocated + " then\n" + second);
            assertFalse(second.contains("pulse_executor_idle_threads{executor=\"pulse:burner\"}"),
                    "a figure the executor cannot give is absent, not 0");
        } finally {
            executor.shutdownNow();
        }
        assertEquals(List.of(), failures);
    }

    private final ThreadPoolExecutor[] executorHolder = new ThreadPoolExecutor[1];

    /** Keeps {@code tasks} threads busy for at least 100 ms of CPU each, allocating 8 MB each. */
    private static void burn(ExecutorService executor, int tasks) throws Exception {
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            futures.add(executor.submit(() -> {
                java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
                long start = threads.getCurrentThreadCpuTime();
                long sink = 0;
                for (int round = 0; round < 8 || threads.getCurrentThreadCpuTime() - start < 100_000_000L; round++) {
                    byte[] block = new byte[1 << 20];
                    sink += block.length + round;
                }
                return sink;
            }));
        }
        for (java.util.concurrent.Future<?> future : futures) {
            future.get();
        }
    }

    private static double value(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        return Double.NaN;
    }

    @Test
    void anExecutorIsNamedByItsThreadsOnceItHasOne() throws Exception {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
        pools.created(executor);
        pools.run((source, message) -> failures.add(source + ": " + message));
        assertFalse(scrape().contains("executor="), "no thread yet, no name yet");

        pools.threadCreated(executor, new Thread("mailer-1"));
        executor.submit(() -> { }).get();
        pools.rejected(executor);
        pools.run((source, message) -> failures.add(source + ": " + message));
        String text = scrape();
        assertTrue(text.contains("pulse_executor_max_threads{executor=\"pulse:mailer\"} 1.0"), text);
        assertTrue(text.contains("pulse_executor_rejected_tasks_total{executor=\"pulse:mailer\"} 1.0"), text);
        executor.shutdown();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        pools.run((source, message) -> failures.add(source + ": " + message));
        assertFalse(scrape().contains("mailer"), "a terminated executor is gone");
        assertEquals(List.of(), failures);
    }

    @Test
    void defaultThreadNamesGiveWayToWhereTheExecutorWasMade() {
        ExecutorService executor = makeReports();
        pools.threadCreated(executor, new Thread("pool-7-thread-1"));
        ExecutorService twin = makeReports();
        pools.threadCreated(twin, new Thread("pool-8-thread-1"));
        pools.run((source, message) -> failures.add(source + ": " + message));
        String text = scrape();
        assertTrue(text.contains("executor=\"pulse:ExecutorPoolsTest.makeReports\""), text);
        assertTrue(text.contains("executor=\"pulse:ExecutorPoolsTest.makeReports#2\""), text);
        executor.shutdown();
        twin.shutdown();
    }

    @Test
    void theAgentsOwnAndExcludedExecutorsAreToldApart() {
        assertEquals("jdk:", ExecutorPools.owner("java.util.concurrent.Executors"));
        assertEquals("pulse:", ExecutorPools.owner("dev.pulse.agent.sample.Sampler"));
        assertEquals("", ExecutorPools.owner("com.acme.Worker"));
        ThreadPoolExecutor hidden = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
        pools.created(hidden);
        pools.threadCreated(hidden, new Thread("hidden-1"));
        pools.addCommonPool();
        pools.run((source, message) -> failures.add(source + ": " + message));
        // Exported once it has had a thread, as any executor (other tests in this JVM may have used it).
        java.util.concurrent.ForkJoinPool.commonPool().submit(() -> { }).join();
        pools.run((source, message) -> failures.add(source + ": " + message));
        String text = scrape();
        assertFalse(text.contains("hidden"), text);
        assertTrue(text.contains("executor=\"jdk:common-pool\""), text);
        hidden.shutdown();
    }

    @Test
    void executorsBeyondTheSeriesCapAreLeftOutAndCounted() {
        java.util.concurrent.atomic.AtomicInteger overflows = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorPools capped = new ExecutorPools(ExecutorKind.ALL, name -> false, 2, overflows::incrementAndGet, Labels.EMPTY,
                PrometheusProperties.get());
        List<ThreadPoolExecutor> executors = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
            executors.add(executor);
            capped.created(executor);
            capped.threadCreated(executor, new Thread("capped-" + i));
        }
        assertEquals(1, overflows.get());
        executors.forEach(ThreadPoolExecutor::shutdown);
    }

    /** Reads as stopped until it starts, as Jetty's QueuedThreadPool does. */
    static final class LifeCyclePool {
        volatile boolean running;
    }

    /** A kind of {@link LifeCyclePool}: named "lifecycle" while it runs, shut down while it does not. */
    static final class LifeCycleKind implements ExecutorKind {
        @Override
        public String className() {
            return LifeCyclePool.class.getName();
        }

        @Override
        public String threadName(Object pool) {
            return ((LifeCyclePool) pool).running ? "lifecycle-1" : null;
        }

        @Override
        public boolean shutdown(Object pool) {
            return !((LifeCyclePool) pool).running;
        }

        @Override
        public ExecutorReading read(Object pool) {
            return new ExecutorReading(1, 0, 1, 2, 0, ExecutorReading.ABSENT, ExecutorReading.ABSENT);
        }
    }

    @Test
    void aFrameworkPoolThatReadsAsStoppedBeforeItStartsIsKeptUntilItHasRun() {
        ExecutorPools kinds = new ExecutorPools(List.of(new LifeCycleKind()), name -> false, 10, () -> { },
                Labels.EMPTY, PrometheusProperties.get());
        PrometheusRegistry own = new PrometheusRegistry();
        kinds.register(own);
        LifeCyclePool pool = new LifeCyclePool();
        kinds.created(0, pool);
        kinds.run((source, message) -> failures.add(source + ": " + message));
        assertFalse(text(own).contains("lifecycle"), "not started: not exported");
        pool.running = true;
        kinds.run((source, message) -> failures.add(source + ": " + message));
        // Made by code of the agent's package (this test), so "pulse:", as any executor it makes.
        assertTrue(text(own).contains("pulse_executor_idle_threads{executor=\"pulse:lifecycle\"} 1.0"),
                "started: found without being announced again\n" + text(own));
        pool.running = false;
        kinds.run((source, message) -> failures.add(source + ": " + message));
        assertFalse(text(own).contains("lifecycle"), "stopped after it ran: gone");
        assertEquals(List.of(), failures);
    }

    @Test
    void anExecutorTheServiceDropsIsNotKeptAlive() throws Exception {
        WeakReference<ExecutorService> dropped = dropOne();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (dropped.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(null, dropped.get(), "the registry holds executors weakly");
        pools.run((source, message) -> failures.add(source + ": " + message));
        assertFalse(scrape().contains("dropped"));
    }

    private WeakReference<ExecutorService> dropOne() throws Exception {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(0, 1, 1, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
        pools.created(executor);
        pools.threadCreated(executor, new Thread("dropped-1"));
        pools.run((source, message) -> failures.add(source + ": " + message));
        assertTrue(scrape().contains("dropped"));
        executor.shutdown();
        return new WeakReference<>(executor);
    }

    private ExecutorService makeReports() {
        ExecutorService executor = Executors.newFixedThreadPool(1);
        pools.created(executor);
        return executor;
    }

    private String scrape() {
        return text(registry);
    }

    static String text(PrometheusRegistry registry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
