package dev.pulse.agent.pools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class PoolNamesTest {

    @Test
    void aThreadNameLessItsCounterNamesThePool() {
        assertEquals("delivery", PoolNames.threadPrefix("delivery-3"));
        assertEquals("prometheus-http", PoolNames.threadPrefix("prometheus-http-1-2"));
        assertEquals("HikariPool-1 housekeeper", PoolNames.threadPrefix("HikariPool-1 housekeeper"));
        assertEquals("demo-db:connection-adder", PoolNames.threadPrefix("demo-db:connection-adder"));
        assertEquals("worker", PoolNames.threadPrefix("worker_12"));
        assertEquals("reports", PoolNames.threadPrefix("reports"));
        assertEquals("req", PoolNames.threadPrefix("req-3f2a9c1e-77b0-4c1e-9d51-0a8f2d6b4e11"));
        assertEquals("cache-loader", PoolNames.threadPrefix("cache-loader-a1"));
        assertEquals("job", PoolNames.threadPrefix("job-02db6fea"));
        assertEquals("consumer-cafe", PoolNames.threadPrefix("consumer-cafe"));
        assertEquals("s3-uploader", PoolNames.threadPrefix("s3-uploader-2"));
        assertEquals("http-nio-8080-exec", PoolNames.threadPrefix("http-nio-8080-exec-1"));
    }

    @Test
    void theJdksDefaultThreadNamesNameNoPool() {
        assertNull(PoolNames.threadPrefix("pool-3-thread-1"));
        assertNull(PoolNames.threadPrefix("Thread-7"));
        assertNull(PoolNames.threadPrefix("ForkJoinPool-2-worker-5"));
        assertNull(PoolNames.threadPrefix("ForkJoinPool.commonPool-worker-1"));
        assertNull(PoolNames.threadPrefix("17"));
    }

    @Test
    void aUrlLosesWhatMayBeSecret() {
        assertEquals("jdbc:postgresql://db:5432/jobs",
                PoolNames.urlName("jdbc:postgresql://db:5432/jobs?user=app&password=secret"));
        assertEquals("jdbc:mysql://db/jobs", PoolNames.urlName("jdbc:mysql://app:secret@db/jobs"));
        assertEquals("jdbc:h2:mem:jobs", PoolNames.urlName("jdbc:h2:mem:jobs;DB_CLOSE_DELAY=-1;PASSWORD=x"));
        assertNull(PoolNames.urlName(""));
        assertNull(PoolNames.urlName(null));
    }

    @Test
    void aNameTakenByALivePoolGetsANumber() {
        PoolNames names = new PoolNames();
        assertEquals("delivery", names.claim("delivery"));
        assertEquals("delivery#2", names.claim("delivery"));
        assertEquals("delivery#3", names.claim("delivery"));
        names.release("delivery#2");
        assertEquals("delivery#2", names.claim("delivery"));
        names.release("delivery");
        assertEquals("delivery", names.claim("delivery"));
    }
}
