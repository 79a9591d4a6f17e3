package dev.pulse.agent.pools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.quartz.simpl.SimpleThreadPool;

/** The adapter against Quartz's real SimpleThreadPool (agent-it runs a real scheduler). */
class QuartzThreadPoolKindTest {

    private final QuartzThreadPoolKind kind = new QuartzThreadPoolKind();

    @Test
    void readsItsWorkersWithoutItsLockEvenWhileAnotherThreadHoldsIt() throws Exception {
        SimpleThreadPool pool = new SimpleThreadPool(3, Thread.NORM_PRIORITY);
        pool.setInstanceName("Unit");
        assertNull(kind.threadName(pool), "not initialized: no workers yet");
        assertEquals(0, kind.read(pool).threads);
        pool.initialize();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(2);
        try {
            for (int i = 0; i < 2; i++) {
                pool.runInThread(() -> {
                    running.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertTrue(running.await(10, TimeUnit.SECONDS));
            assertEquals("Unit_Worker-1", kind.threadName(pool));
            assertEquals("Unit_Worker", PoolNames.threadPrefix(kind.threadName(pool)));

            Field lockField = SimpleThreadPool.class.getDeclaredField("nextRunnableLock");
            lockField.setAccessible(true);
            Object lock = lockField.get(pool);
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch unlock = new CountDownLatch(1);
            Thread holder = new Thread(() -> {
                synchronized (lock) {
                    locked.countDown();
                    try {
                        unlock.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            holder.start();
            assertTrue(locked.await(10, TimeUnit.SECONDS));
            try {
                ExecutorReading reading = CompletableFuture.supplyAsync(() -> {
                    try {
                        return kind.read(pool);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                }).get(10, TimeUnit.SECONDS);
                assertEquals(3, reading.threads);
                assertEquals(2, reading.active);
                assertEquals(1, reading.idle);
                assertEquals(pool.getThreadCount(), reading.max);
                assertEquals(ExecutorReading.ABSENT, reading.queued);
                assertEquals(ExecutorReading.ABSENT, reading.completed);
                List<Thread> threads = new ArrayList<>();
                kind.threads(pool, threads::add);
                assertEquals(3, threads.size());
            } finally {
                unlock.countDown();
                holder.join();
            }
            assertEquals(false, kind.shutdown(pool));
        } finally {
            release.countDown();
            pool.shutdown(true);
        }
        assertEquals(true, kind.shutdown(pool));
        assertEquals(0, kind.read(pool).threads, "joined workers are not counted");
    }
}
