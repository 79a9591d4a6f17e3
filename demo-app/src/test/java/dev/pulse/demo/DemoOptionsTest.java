package dev.pulse.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    @Test
    void defaultsRunUntilStoppedAtTwentyJobsPerSecondWithoutHanging() {
        DemoOptions options = DemoOptions.parse();

        assertNull(options.duration());
        assertEquals(20, options.jobsPerSecond());
        assertNull(options.hangWorkerAfter());
        assertEquals(Duration.ofSeconds(60), options.hangFor());
    }

    @Test
    void readsEveryOption() {
        DemoOptions options = DemoOptions.parse(
                "--duration", "2m", "--rate", "7.5", "--hang-worker-after", "20s", "--hang-for", "1500ms");

        assertEquals(new DemoOptions(Duration.ofMinutes(2), 7.5, Duration.ofSeconds(20), Duration.ofMillis(1500)),
                options);
    }

    @Test
    void readsEachDurationUnit() {
        assertEquals(Duration.ofMillis(500), DemoOptions.parseDuration("--duration", "500ms"));
        assertEquals(Duration.ofSeconds(30), DemoOptions.parseDuration("--duration", "30s"));
        assertEquals(Duration.ofMinutes(2), DemoOptions.parseDuration("--duration", "2m"));
        assertEquals(Duration.ofHours(1), DemoOptions.parseDuration("--duration", "1h"));
    }

    @Test
    void rejectsDurationsWithoutUnitOrAboveZero() {
        for (String bad : new String[] {"30", "0s", "-5s", "1.5s", "2 m", "s", "99999999999999999999s"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DemoOptions.parse("--duration", bad));
            assertEquals("--duration: expected a duration like 500ms, 30s or 2m, found \"" + bad + "\"", e.getMessage());
        }
    }

    @Test
    void rejectsRatesThatAreNotPositiveNumbers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DemoOptions.parse("--rate", "0"));

        assertEquals("--rate: expected jobs per second, more than 0 and at most 100000, found \"0\"", e.getMessage());
    }

    @Test
    void namesAMissingValueAndAnUnknownOption() {
        assertEquals("--hang-for: expected a value",
                assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse("--hang-for")).getMessage());
        assertEquals("unknown option \"--threads\"",
                assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse("--threads", "4")).getMessage());
    }

    @Test
    void formatsDurationsTheWayTheyAreWritten() {
        assertEquals("500ms", DemoOptions.format(Duration.ofMillis(500)));
        assertEquals("30s", DemoOptions.format(Duration.ofSeconds(30)));
        assertEquals("2m", DemoOptions.format(Duration.ofMinutes(2)));
        assertEquals("0s", DemoOptions.format(Duration.ZERO));
    }
}
