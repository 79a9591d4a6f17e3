package dev.pulse.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LimitedLogTest {

    @Test
    void oneLinePerSourcePerPeriodWhateverTheTextSayingHowManyWereHeldBack() {
        AtomicLong now = new AtomicLong();
        List<String> lines = new ArrayList<>();
        LimitedLog log = new LimitedLog(Duration.ofMinutes(10), now::get, lines::add);
        for (int pass = 0; pass < 600; pass++) {
            now.set(Duration.ofSeconds(pass).toNanos());
            log.warn("sql:age", "Bad value for type double : 00:00:0" + pass);
            if (pass % 100 == 0) {
                log.warn("queue:jobs", "broken size()");
            }
        }
        now.set(Duration.ofMinutes(10).toNanos());
        log.warn("sql:age", "Bad value for type double : 00:10:00");
        assertEquals(List.of(
                "sql:age: Bad value for type double : 00:00:00 (at most one line per source every 10 minutes)",
                "queue:jobs: broken size() (at most one line per source every 10 minutes)",
                "sql:age: Bad value for type double : 00:10:00 (599 more held back since the last line;"
                        + " at most one line per source every 10 minutes)"), lines);
    }

    @Test
    void aSourceThatWasSlowAndThenFailsSaysBothEachOncePerPeriod() {
        AtomicLong now = new AtomicLong();
        List<String> lines = new ArrayList<>();
        LimitedLog log = new LimitedLog(Duration.ofMinutes(10), now::get, lines::add);
        log.warn("queue:jobs", "slow", "still running after 200 ms");
        log.warn("queue:jobs", "failed", "size() threw java.lang.IllegalStateException");
        log.warn("queue:jobs", "slow", "still running after 200 ms");
        log.warn("queue:jobs", "failed", "size() threw java.lang.IllegalStateException");
        assertEquals(List.of(
                "queue:jobs: still running after 200 ms (at most one line per source every 10 minutes)",
                "queue:jobs: size() threw java.lang.IllegalStateException (at most one line per source every 10"
                        + " minutes)"), lines);
    }
}
