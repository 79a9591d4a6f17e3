package dev.pulse.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JobStoreTest {

    private JobStore store;

    @BeforeEach
    void openFreshDatabase() {
        store = new JobStore("jdbc:h2:mem:jobs-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aJobGoesFromReadyToDelivered() {
        Job job = store.insert("email", "to=a@example.com");
        assertEquals(Optional.of("ready"), store.status(job.id()));

        store.markRunning(job.id());
        assertEquals(Optional.of("running"), store.status(job.id()));

        store.markDone(job.id());
        assertEquals(Optional.of("done"), store.status(job.id()));
        assertEquals(List.of(job), store.findUndelivered(10));

        store.markDelivered(job.id());
        assertEquals(Optional.of("delivered"), store.status(job.id()));
        assertEquals(List.of(), store.findUndelivered(10));
    }

    @Test
    void findsOnlyDoneJobsOldestFirstUpToTheLimit() {
        Job first = finished("invoice");
        Job failed = store.insert("report", "report=daily-sales");
        store.markRunning(failed.id());
        store.markFailed(failed.id());
        store.insert("thumbnail", "image=a.jpg");
        Job second = finished("email");
        Job third = finished("email");

        assertEquals(List.of(first, second), store.findUndelivered(2));
        assertEquals(List.of(first, second, third), store.findUndelivered(10));
    }

    @Test
    void refusesAMoveFromTheWrongStatus() {
        Job job = store.insert("invoice", "customer=C-1");
        store.markRunning(job.id());
        store.markFailed(job.id());

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.markDelivered(job.id()));

        assertEquals("job " + job.id() + ": cannot mark delivered, expected status done, found failed", e.getMessage());
        assertEquals(Optional.of("failed"), store.status(job.id()));
    }

    @Test
    void namesAMissingJob() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.markRunning(404));

        assertEquals("job 404: cannot mark running, expected status ready, found no such job", e.getMessage());
    }

    private Job finished(String kind) {
        Job job = store.insert(kind, "payload");
        store.markRunning(job.id());
        store.markDone(job.id());
        return job;
    }
}
