package dev.pulse.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import kotlin.coroutines.EmptyCoroutineContext;
import kotlinx.coroutines.Dispatchers;

/**
 * The service behind the executors' sampler measurement: {@value #POOLS} thread pools of the kinds
 * Pulse reads, {@value #THREADS_PER_POOL} threads each (500 in all), every thread held on a latch
 * so the pools keep their threads: 8 fixed ThreadPoolExecutors, 4 ScheduledThreadPoolExecutors,
 * 6 ForkJoinPools, kotlinx.coroutines' scheduler (Dispatchers.IO tasks), and a
 * newVirtualThreadPerTaskExecutor on JDK 21+ (its 25 threads virtual) or one more
 * ThreadPoolExecutor before. With args[1] "none" it makes no pool (the baseline). It runs for
 * args[0] milliseconds, then prints the CPU time of the agent's sampler threads ("sampler-cpu-ns N").
 */
public final class PoolsTarget {

    static final int POOLS = 20;
    static final int THREADS_PER_POOL = 25;

    private static final CountDownLatch HELD = new CountDownLatch(1);

    public static void main(String[] args) throws Exception {
        long runMillis = Long.parseLong(args[0]);
        boolean pools = !(args.length > 1 && args[1].equals("none"));
        List<ExecutorService> executors = new ArrayList<>();
        if (pools) {
            for (int i = 0; i < 8; i++) {
                ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(THREADS_PER_POOL,
                        named("fixed" + i));
                hold(pool, THREADS_PER_POOL);
                executors.add(pool);
            }
            for (int i = 0; i < 4; i++) {
                ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(THREADS_PER_POOL,
                        named("scheduled" + i));
                hold(pool, THREADS_PER_POOL);
                executors.add(pool);
            }
            for (int i = 0; i < 6; i++) {
                ForkJoinPool pool = new ForkJoinPool(THREADS_PER_POOL);
                hold(pool, THREADS_PER_POOL);
                executors.add(pool);
            }
            CountDownLatch io = new CountDownLatch(THREADS_PER_POOL);
            for (int i = 0; i < THREADS_PER_POOL; i++) {
                Dispatchers.getIO().dispatch(EmptyCoroutineContext.INSTANCE, () -> {
                    io.countDown();
                    awaitHeld();
                });
            }
            io.await();
            ExecutorService last = virtualThreadExecutor();
            if (last == null) {
                last = Executors.newFixedThreadPool(THREADS_PER_POOL, named("fixed8"));
            }
            hold(last, THREADS_PER_POOL);
            executors.add(last);
        }
        System.out.println("ready");
        Thread.sleep(runMillis);
        System.out.println("sampler-cpu-ns " + samplerCpuNanos());
        HELD.countDown();
        executors.forEach(ExecutorService::shutdown);
    }

    /** Runs {@code tasks} tasks that wait for the end of the run, and waits until all have started. */
    private static void hold(ExecutorService pool, int tasks) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(tasks);
        for (int i = 0; i < tasks; i++) {
            pool.execute(() -> {
                started.countDown();
                awaitHeld();
            });
        }
        started.await();
    }

    private static void awaitHeld() {
        try {
            HELD.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Executors.newVirtualThreadPerTaskExecutor() on JDK 21+ (this class compiles for 17), else null. */
    private static ExecutorService virtualThreadExecutor() {
        try {
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger next = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + next.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static long samplerCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("pulse-sampler")) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }
}
