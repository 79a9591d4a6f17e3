package dev.pulse.agent.pools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** What every adapter must do, on a real pool of its kind over an in-memory H2 database. */
final class PoolKindContract {

    private PoolKindContract() {
    }

    /**
     * {@code pool} is configured with maximum {@code max} and not used yet; {@code started}
     * tells, without the adapter, whether the pool has started.
     */
    static void check(JdbcPoolKind kind, DataSource pool, int max, Started started, AutoCloseable close)
            throws Exception {
        check(kind, pool, max, started, close, false);
    }

    /** {@code forgetsOnClose}: the pool drops its connections object on close, so it reads as never started. */
    static void check(JdbcPoolKind kind, DataSource pool, int max, Started started, AutoCloseable close,
            boolean forgetsOnClose) throws Exception {
        assertTrue(Class.forName(kind.className()).isInstance(pool), kind.className());
        JdbcPoolReading before = kind.read(pool);
        assertEquals(0, before.size, "not started: " + before);
        assertEquals(0, before.active, "not started: " + before);
        assertFalse(kind.started(pool), "the adapter sees the pool has not started");
        assertNull(kind.runningPool(pool));
        kind.configuredName(pool);
        kind.url(pool);
        kind.closed(pool);
        assertFalse(started.started(), "reading a pool must never start it");

        List<Connection> held = new ArrayList<>();
        try {
            held.add(pool.getConnection());
            held.add(pool.getConnection());
            assertTrue(kind.started(pool), "started by the application's getConnection()");
            Object running = kind.runningPool(pool);
            assertNotNull(running);
            Object dataSource = kind.dataSourceOf(running);
            assertTrue(dataSource == null || dataSource == pool, "the running pool leads back to its data source");
            JdbcPoolReading reading = kind.read(pool);
            assertEquals(2, reading.active, reading.toString());
            assertEquals(reading.size, reading.free + reading.active, reading.toString());
            assertEquals(0, reading.pending, reading.toString());
            assertEquals(max, reading.max, reading.toString());
            assertFalse(kind.closed(pool));
        } finally {
            for (Connection connection : held) {
                connection.close();
            }
        }
        // c3p0 takes connections back on a helper thread: wait for it, with a deadline.
        long deadline = System.nanoTime() + 10_000_000_000L;
        JdbcPoolReading returned = kind.read(pool);
        while (returned.active != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
            returned = kind.read(pool);
        }
        assertEquals(0, returned.active, returned.toString());
        close.close();
        if (forgetsOnClose) {
            assertFalse(kind.closed(pool));
            assertFalse(kind.started(pool), "reads as never started");
            assertEquals(0, kind.read(pool).size, "reads as never started");
            assertFalse(started.started());
        } else {
            assertTrue(kind.closed(pool), "closed");
        }
    }

    interface Started {
        boolean started() throws Exception;
    }
}
