package dev.pulse.agent.pools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class PoolThreadsTest {

    private final PoolThreads<String> threads = new PoolThreads<>();

    @Test
    void aThreadIsKnownByItsPoolFromBeforeItStartsUntilItEnds() throws Exception {
        Thread worker = new Thread(() -> { }, "orders-1");
        threads.add(worker, "orders");
        assertEquals("orders", threads.poolOf(worker), "a worker is reported before it starts");
        assertNull(threads.poolOf(Thread.currentThread()));
        worker.start();
        worker.join();
        Thread next = new Thread("orders-2");
        threads.add(next, "orders");
        assertEquals(1, threads.size(), "an ended thread is dropped at the next addition");
        assertNull(threads.poolOf(worker));
        assertEquals("orders", threads.poolOf(next));
    }
}
