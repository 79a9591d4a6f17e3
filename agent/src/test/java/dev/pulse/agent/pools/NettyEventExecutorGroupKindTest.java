package dev.pulse.agent.pools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.SingleThreadEventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.MultithreadEventExecutorGroup;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The adapter against Netty 4.1's real groups (agent-it runs a real server on 4.2). */
class NettyEventExecutorGroupKindTest {

    private final NettyEventExecutorGroupKind kind = new NettyEventExecutorGroupKind();

    @Test
    void aGroupNobodyUsedIsReadWithoutStartingAThread() throws Exception {
        DefaultEventExecutorGroup group = new DefaultEventExecutorGroup(3, new DefaultThreadFactory("untouched"));
        try {
            for (int i = 0; i < 3; i++) {
                assertNull(kind.threadName(group));
                ExecutorReading reading = kind.read(group);
                assertEquals(0, reading.threads);
                assertEquals(0, reading.queued);
                assertEquals(3, reading.max);
                List<Thread> threads = new ArrayList<>();
                kind.threads(group, threads::add);
                assertTrue(threads.isEmpty());
            }
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(thread -> thread.getName().startsWith("untouched-")), "no child was started");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void busyChildrenGiveTheirThreadsAndNettysOwnPendingTasks() throws Exception {
        NioEventLoopGroup io = new NioEventLoopGroup(4, new DefaultThreadFactory("io"));
        DefaultEventExecutorGroup business = new DefaultEventExecutorGroup(3, new DefaultThreadFactory("business"));
        CountDownLatch release = new CountDownLatch(1);
        try {
            SingleThreadEventLoop loop = (SingleThreadEventLoop) io.next();
            hold(loop, release, 2);
            loop.executeAfterEventLoopIteration(() -> { });
            hold(business.next(), release, 3);
            hold(business.next(), release, 1);

            assertEquals(3, pendingTasks(io), "two tasks and a tail task");
            assertEquals(4, pendingTasks(business));
            check(io, 1, 3, 4);
            check(business, 2, 4, 3);
            assertTrue(kind.threadName(io).startsWith("io-"), kind.threadName(io));
            assertEquals("business", PoolNames.threadPrefix(kind.threadName(business)));
            List<Thread> threads = new ArrayList<>();
            kind.threads(business, threads::add);
            assertEquals(2, threads.size());
            assertTrue(threads.stream().allMatch(thread -> thread.getName().startsWith("business-")), "" + threads);
            assertEquals(false, kind.shutdown(business));
        } finally {
            release.countDown();
            io.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            business.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        assertEquals(true, kind.shutdown(business));
        // Netty's own shutdown starts the children that never ran, to shut them down: wait for them all.
        List<Thread> last = new ArrayList<>();
        kind.threads(business, last::add);
        for (Thread thread : last) {
            thread.join(10_000);
        }
        assertEquals(0, kind.read(business).threads, "ended threads are not counted");
    }

    private void check(MultithreadEventExecutorGroup group, long threads, long pending, long max)
            throws ReflectiveOperationException {
        ExecutorReading reading = kind.read(group);
        assertEquals(threads, reading.threads);
        assertEquals(pending, reading.queued);
        assertEquals(max, reading.max);
        assertEquals(group.executorCount(), reading.max);
        assertEquals(ExecutorReading.ABSENT, reading.active);
        assertEquals(ExecutorReading.ABSENT, reading.idle);
        assertEquals(ExecutorReading.ABSENT, reading.completed);
    }

    /** Runs a task held on {@code release} on {@code child}, then queues {@code queued} more behind it. */
    private static void hold(EventExecutor child, CountDownLatch release, int queued) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        child.execute(() -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < queued; i++) {
            child.execute(() -> { });
        }
    }

    private static int pendingTasks(EventExecutorGroup group) {
        int pending = 0;
        for (EventExecutor child : group) {
            pending += ((SingleThreadEventExecutor) child).pendingTasks();
        }
        return pending;
    }
}
