package dev.pulse.agent.output;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** One output's own figures, read by {@link OutputMetrics} at each scrape. Thread-safe. */
final class OutputStats {

    final String output;
    final LongAdder points = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final AtomicLong buffered = new AtomicLong();
    /** Epoch milliseconds of the last successful write, 0 before the first. */
    final AtomicLong lastSuccessMillis = new AtomicLong();

    OutputStats(String output) {
        this.output = output;
    }

    void written(long count, long nowMillis) {
        points.add(count);
        lastSuccessMillis.set(nowMillis);
    }
}
