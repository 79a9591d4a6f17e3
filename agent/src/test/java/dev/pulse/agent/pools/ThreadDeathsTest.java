package dev.pulse.agent.pools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failed tasks and thread deaths without weaving: the test reports what the woven JDK code
 * would. Executors made here are made by code of the agent's package, so their names start
 * with "pulse:".
 */
class ThreadDeathsTest {

    private final List<String> failures = new ArrayList<>();
    private final AtomicInteger overflows = new AtomicInteger();
    private final ExecutorPools pools = new ExecutorPools(name -> name.equals("pulse:hidden"), Labels.EMPTY,
            PrometheusProperties.get());
    private final ThreadDeaths deaths = new ThreadDeaths(pools, name -> name.equals("pulse:hidden"), 3,
            overflows::incrementAndGet, Labels.EMPTY, PrometheusProperties.get());
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final List<ThreadPoolExecutor> executors = new ArrayList<>();

    ThreadDeathsTest() {
        pools.register(registry);
        deaths.register(registry);
    }

    @AfterEach
    void shutdown() {
        executors.forEach(ThreadPoolExecutor::shutdownNow);
    }

    @Test
    void aWorkersDeathIsCountedUnderItsExecutorNamedOrNotYet() {
        ThreadPoolExecutor orders = executor();
        Thread first = new Thread("orders-1");
        pools.threadCreated(orders, first);
        assertEquals("pulse:orders", pools.executorOf(first), "the name the sampler will give it");
        deaths.died(first, new IllegalStateException("lost"));
        pools.run((source, message) -> failures.add(source + ": " + message));
        Thread second = new Thread("orders-2");
        pools.threadCreated(orders, second);
        assertEquals("pulse:orders", pools.executorOf(second));
        deaths.died(second, new IllegalStateException("lost again"));
        String text = ExecutorPoolsTest.text(registry);
        assertTrue(text.contains("pulse_thread_uncaught_exceptions_total{exception=\"IllegalStateException\","
                + "executor=\"pulse:orders\"} 2.0"), text);
        assertEquals(List.of(), failures);
    }

    @Test
    void aDeathBeforeTheFirstPassCarriesTheNameTheExecutorIsThenExportedUnder() {
        // Two executors that will both ask for one name: the second's thread dies first.
        ThreadPoolExecutor first = executor();
        ThreadPoolExecutor second = executor();
        pools.threadCreated(first, new Thread("mailer-1"));
        Thread dying = new Thread("mailer-1");
        pools.threadCreated(second, dying);
        deaths.died(dying, new IllegalStateException("lost"));
        pools.run((source, message) -> failures.add(source + ": " + message));
        String text = ExecutorPoolsTest.text(registry);
        String named = pools.executorOf(dying);
        assertTrue(text.contains("pulse_executor_threads{executor=\"" + named + "\"}"), text);
        assertTrue(text.contains("pulse_thread_uncaught_exceptions_total{exception=\"IllegalStateException\","
                + "executor=\"" + named + "\"} 1.0"), text);
        assertEquals(1, text.lines().filter(line -> line.startsWith("pulse_thread_uncaught_exceptions_total{")).count(),
                text);
        assertEquals(List.of(), failures);
    }

    @Test
    void aThreadOfNoKnownExecutorIsCountedByItsNameWithoutItsCounter() {
        deaths.died(new Thread("order-consumer-3"), new Error("boom") { });
        deaths.died(new Thread("Thread-12"), new OutOfMemoryError());
        String text = ExecutorPoolsTest.text(registry);
        assertTrue(text.contains("{exception=\"ThreadDeathsTest$1\",executor=\"order-consumer\"} 1.0"), text);
        assertTrue(text.contains("{exception=\"OutOfMemoryError\",executor=\"none\"} 1.0"), text);
        assertEquals("none", ThreadDeaths.executorLabel(null, "pool-3-thread-1"));
        assertEquals("main", ThreadDeaths.executorLabel(null, "main"));
        assertEquals("reports", ThreadDeaths.executorLabel("reports", "pool-3-thread-1"));
    }

    @Test
    void anExcludedExecutorsDeathsAreNotCounted() {
        ThreadPoolExecutor hidden = executor();
        Thread thread = new Thread("hidden-1");
        pools.threadCreated(hidden, thread);
        deaths.died(thread, new IllegalStateException());
        assertFalse(ExecutorPoolsTest.text(registry).contains("hidden"));
    }

    @Test
    void pairsBeyondTheSeriesCapAreCountedAsOtherAndAsOverflow() {
        for (String name : List.of("a-1", "b-1", "c-1", "d-1", "e-1")) {
            deaths.died(new Thread(name), new IllegalStateException());
        }
        deaths.died(new Thread("a-2"), new IllegalStateException());
        String text = ExecutorPoolsTest.text(registry);
        assertTrue(text.contains("{exception=\"IllegalStateException\",executor=\"a\"} 2.0"), text);
        assertTrue(text.contains("{exception=\"other\",executor=\"other\"} 2.0"), text);
        assertFalse(text.contains("executor=\"d\""), text);
        assertEquals(2, overflows.get());
    }

    @Test
    void aFailedTaskCountsForTheExecutorGivenOrTheOneTheCurrentThreadWorksFor() throws Exception {
        ThreadPoolExecutor reports = executor();
        Thread worker = new Thread(() -> pools.taskFailed(null), "reports-1");
        pools.threadCreated(reports, worker);
        worker.start();
        worker.join();
        pools.taskFailed(reports);
        pools.taskFailed(null);
        Thread stranger = new Thread(() -> pools.taskFailed(null), "reports-9");
        stranger.start();
        stranger.join();
        pools.run((source, message) -> failures.add(source + ": " + message));
        String text = ExecutorPoolsTest.text(registry);
        assertTrue(text.contains("pulse_executor_failed_tasks_total{executor=\"pulse:reports\"} 2.0"), text);
        assertEquals(List.of(), failures);
    }

    @Test
    void aForkJoinPoolsWorkerIsKnownByItsPool() throws Exception {
        ForkJoinPool crunch = new ForkJoinPool(1, pool -> {
            var thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            thread.setName("crunch-1");
            return thread;
        }, null, false);
        try {
            pools.created(crunch);
            assertEquals("pulse:crunch", crunch.submit(() -> {
                pools.taskFailed(null);
                return pools.executorOf(Thread.currentThread());
            }).get());
            pools.run((source, message) -> failures.add(source + ": " + message));
            String text = ExecutorPoolsTest.text(registry);
            assertTrue(text.contains("pulse_executor_failed_tasks_total{executor=\"pulse:crunch\"} 1.0"), text);
            assertNull(pools.executorOf(Thread.currentThread()));
        } finally {
            crunch.shutdownNow();
        }
    }

    private ThreadPoolExecutor executor() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
        executors.add(executor);
        pools.created(executor);
        return executor;
    }
}
