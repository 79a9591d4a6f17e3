package dev.pulse.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TimeBudgetTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void workWithinTheBurstNeverRests() {
        TimeBudget budget = new TimeBudget(0.5, 100 * MS);
        assertEquals(0, budget.charge(40 * MS));
        assertEquals(0, budget.charge(50 * MS));
    }

    @Test
    void anOverdraftRestsLongEnoughToRefillItAtTheShare() {
        TimeBudget budget = new TimeBudget(0.5, 100 * MS);
        long rest = budget.charge(110 * MS);
        // 10 ms overdrawn at half a second per second: 20 ms of rest (less what refilled meanwhile)
        assertTrue(rest > 15 * MS && rest <= 20 * MS, rest + " ns");
    }
}
