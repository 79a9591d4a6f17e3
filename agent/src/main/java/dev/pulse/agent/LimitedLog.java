package dev.pulse.agent;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Warnings limited per source, not per message text: a source whose failure reads differently
 * every time (a timestamp, a changing value in the text) still writes at most one line per
 * period. The first failure of a source is written at once; failures within the period after a
 * written line are held back and counted, and the next line written says how many were. Any
 * output that fails again and again (a sampled source, a push to a remote system) can share one.
 */
public final class LimitedLog {

    /** The period of the agent's own outputs. */
    public static final Duration DEFAULT_PERIOD = Duration.ofMinutes(10);
    /** Sources followed at once; beyond it a new source's lines are dropped, so the map stays bounded. */
    static final int MAX_SOURCES = 1000;

    private final long periodNanos;
    private final String periodText;
    private final LongSupplier nanoClock;
    private final Consumer<String> out;
    private final Map<String, State> sources = new ConcurrentHashMap<>();

    /**
     * @param period at most one line per source in any such period
     * @param nanoClock a monotonic clock in nanoseconds, {@code System::nanoTime} outside tests
     * @param out where a line goes, {@link AgentLog#warn} outside tests
     */
    public LimitedLog(Duration period, LongSupplier nanoClock, Consumer<String> out) {
        this.periodNanos = period.toNanos();
        this.periodText = Durations.text(period);
        this.nanoClock = nanoClock;
        this.out = out;
    }

    /** Warnings on standard error, one line per source per {@link #DEFAULT_PERIOD}. */
    public static LimitedLog warnings() {
        return new LimitedLog(DEFAULT_PERIOD, System::nanoTime, AgentLog::warn);
    }

    /**
     * Writes {@code source + ": " + message} now, or holds it back when a line of this source was
     * written less than a period ago. Never throws.
     */
    public void warn(String source, String message) {
        warn(source, "", message);
    }

    /**
     * As {@link #warn(String, String)}, but limited per source and {@code fault}, a short word for
     * the kind of failure ("slow", "failed"): a source that was slow and then fails says both.
     */
    public void warn(String source, String fault, String message) {
        String key = fault.isEmpty() ? source : source + '\0' + fault;
        State state = sources.get(key);
        if (state == null) {
            if (sources.size() >= MAX_SOURCES) {
                return;
            }
            state = sources.computeIfAbsent(key, k -> new State());
        }
        long now = nanoClock.getAsLong();
        long heldBack;
        synchronized (state) {
            if (state.written && now - state.lastWritten < periodNanos) {
                state.heldBack++;
                return;
            }
            heldBack = state.heldBack;
            state.heldBack = 0;
            state.written = true;
            state.lastWritten = now;
        }
        String limit = "at most one line per source every " + periodText;
        out.accept(source + ": " + message + (heldBack == 0 ? " (" + limit + ")"
                : " (" + heldBack + " more held back since the last line; " + limit + ")"));
    }

    private static final class State {
        boolean written;
        long lastWritten;
        long heldBack;
    }

    /** Small duration words for the line: "10 minutes", "30 s". */
    static final class Durations {
        private Durations() {
        }

        static String text(Duration period) {
            long seconds = period.getSeconds();
            if (seconds >= 60 && seconds % 60 == 0) {
                long minutes = seconds / 60;
                return minutes == 1 ? "minute" : minutes + " minutes";
            }
            return period.toMillis() % 1000 == 0 ? seconds + " s" : period.toMillis() + " ms";
        }
    }
}
