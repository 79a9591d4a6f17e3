package dev.pulse.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one timed call costs: the call alone, the call between two clock reads and a LongAdder
 * add (the floor Pulse promises to stay close to), and the call woven by the real agent jar.
 * {@link PerfReport} runs it with the agent attached ({@code -javaagent} appended to every fork)
 * at 1 and 2 threads, with the gc profiler for allocation per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Benchmark)
public class TimedCallBenchmark {

    /** Shared by all threads, as one operation's recorder is. */
    private final LongAdder floorNanos = new LongAdder();

    /** Per thread, so the argument is not a shared read. */
    @State(Scope.Thread)
    public static class Input {
        long x = System.nanoTime();
    }

    @Benchmark
    public long uninstrumented(Input input) {
        return Work.plain(input.x);
    }

    @Benchmark
    public long floor(Input input) {
        long start = System.nanoTime();
        long result = Work.plain(input.x);
        floorNanos.add(System.nanoTime() - start);
        return result;
    }

    @Benchmark
    public long pulse(Input input) {
        return Work.timed(input.x);
    }
}
