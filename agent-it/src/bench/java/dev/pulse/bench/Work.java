package dev.pulse.bench;

import org.openjdk.jmh.annotations.CompilerControl;

/**
 * The method under test, twice: {@link #timed} is woven by the agent in the benchmark's forked
 * JVM ({@code pulse.timer.bench_call=dev.pulse.bench.Work#timed}), {@link #plain} is not. Neither
 * is inlined into the benchmark loop, so every variant pays for one real call.
 */
public final class Work {

    private Work() {
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public static long plain(long x) {
        return x * 0x9E3779B97F4A7C15L + 1;
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public static long timed(long x) {
        return x * 0x9E3779B97F4A7C15L + 1;
    }
}
