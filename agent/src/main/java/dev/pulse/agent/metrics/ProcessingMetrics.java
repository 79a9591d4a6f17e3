package dev.pulse.agent.metrics;

import dev.pulse.agent.config.TimerConfig;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The timers: duration, errors, calls in flight, the oldest running call and the last normal
 * return, per operation. {@link #enter} and {@link #exit} run inside the host's timed methods,
 * so everything they touch is resolved here, up front, into arrays indexed by the timer id woven
 * into the call site: two clock reads, a slot claimed and released, a histogram bucket bumped
 * (in a stripe of counters that only the slot's holder writes, see {@link DurationHistogram}).
 */
public final class ProcessingMetrics {

    /**
     * Distinct exception labels per operation; more are counted as "other", as are those beyond
     * pulse.metrics.max_series for the whole family.
     */
    static final int MAX_EXCEPTION_LABELS = 20;
    static final String OTHER_EXCEPTION = "other";
    static final String ERRORS = "pulse_processing_errors_total";

    private final Operation[] operations;
    private final DurationHistogram duration;
    private final Counter errors;
    private final GaugeWithCallback inflight;
    private final GaugeWithCallback oldest;
    private final GaugeWithCallback lastSuccess;
    private final SelfMetrics self;
    /** Per timer, 1 once a method of it was woven. */
    private final AtomicIntegerArray matched;
    /** Timed Kotlin suspend calls now suspended, with their tokens. */
    private final SuspendedCalls suspended = new SuspendedCalls();
    private final SuspendedCalls.Removed complete = this::exit;
    private final SuspendedCalls.Removed abandon = (timer, token, thrown) -> calls(timer).abandon(token);
    /** Exception label sets still free in the whole family, one "other" per operation kept aside. */
    private final AtomicInteger errorSeriesLeft;
    private final ClassValue<CounterDataPoint[]> errorPoints = new ClassValue<CounterDataPoint[]>() {
        @Override
        protected CounterDataPoint[] computeValue(Class<?> type) {
            return new CounterDataPoint[operations.length];
        }
    };

    public ProcessingMetrics(List<TimerConfig> timers, double[] buckets, int maxSeries, Labels constLabels,
            PrometheusProperties properties, SelfMetrics self) {
        this.self = self;
        this.errorSeriesLeft = new AtomicInteger(maxSeries - timers.size());
        this.errors = Counter.builder(properties)
                .name(ERRORS)
                .help("Calls of a timed method that ended by throwing.")
                .labelNames("operation", "exception")
                .constLabels(constLabels)
                .withoutExemplars()
                .build();
        String[] names = new String[timers.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = timers.get(i).operation();
        }
        this.matched = new AtomicIntegerArray(names.length);
        this.duration = new DurationHistogram(names, buckets, constLabels, this::isMatched);
        this.operations = new Operation[names.length];
        for (int i = 0; i < operations.length; i++) {
            operations[i] = new Operation(names[i], duration.recorder(i));
        }
        this.inflight = GaugeWithCallback.builder(properties)
                .name("pulse_processing_inflight")
                .help("Calls of a timed method running now.")
                .labelNames("operation")
                .constLabels(constLabels)
                .callback(callback -> {
                    suspended.sweep(abandon);
                    for (int i = 0; i < operations.length; i++) {
                        if (isMatched(i)) {
                            callback.call(operations[i].calls.count(), operations[i].name);
                        }
                    }
                })
                .build();
        this.oldest = GaugeWithCallback.builder(properties)
                .name("pulse_processing_oldest_inflight_seconds")
                .help("Age of the longest-running call of a timed method now; 0 when none runs.")
                .labelNames("operation")
                .constLabels(constLabels)
                .callback(callback -> {
                    long now = System.nanoTime();
                    for (int i = 0; i < operations.length; i++) {
                        if (isMatched(i)) {
                            callback.call(operations[i].calls.oldestAgeNanos(now) / 1e9, operations[i].name);
                        }
                    }
                })
                .build();
        this.lastSuccess = GaugeWithCallback.builder(properties)
                .name("pulse_processing_last_success_timestamp_seconds")
                .help("When a call of a timed method last returned normally (Unix time).")
                .labelNames("operation")
                .constLabels(constLabels)
                .callback(callback -> {
                    for (Operation operation : operations) {
                        long end = operation.calls.lastSuccessNanos();
                        if (end != 0) {
                            callback.call(unixSeconds(end), operation.name);
                        }
                    }
                })
                .build();
    }

    /**
     * A method of {@code timer} was woven: its series start now. Until then an operation nothing
     * matched exports no duration, in-flight or age series, so that no count of 0 reads as
     * "never called".
     */
    public void matched(int timer) {
        matched.set(timer, 1);
    }

    boolean isMatched(int timer) {
        return matched.get(timer) != 0;
    }

    public void register(PrometheusRegistry registry) {
        registry.register(duration);
        registry.register(errors);
        registry.register(inflight);
        registry.register(oldest);
        registry.register(lastSuccess);
    }

    /**
     * Test hook: every recording of {@code operation} fails inside the agent, as a fault in its
     * own code would. Call before weaving; the timed path is not changed by the hook's existence.
     */
    public void injectRecordingFault(String operation) {
        for (int i = 0; i < operations.length; i++) {
            if (operations[i].name.equals(operation)) {
                operations[i] = new Operation(operation, new FaultyRecorder(duration, operations[i].duration));
            }
        }
    }

    /** Start of a timed call: returns a token for {@link #exit}. */
    public long enter(int timer) {
        return operations[timer].calls.enter(System.nanoTime());
    }

    /**
     * End of a timed call. The duration is recorded while the call still holds its slot, into
     * that slot's stripe of the histogram; then the slot is released.
     */
    public void exit(int timer, long token, Throwable thrown) {
        long end = System.nanoTime();
        if (!InflightCalls.entered(token)) {
            return;
        }
        try {
            Operation operation = operations[timer];
            InflightCalls calls = operation.calls;
            try {
                operation.duration.record(InflightCalls.stripe(token), end - calls.start(token));
            } finally {
                calls.exit(token, end, thrown == null);
            }
            if (thrown != null) {
                errorPoint(timer, thrown.getClass()).inc();
            }
        } catch (Throwable fault) {
            self.recordingFault();
        }
    }

    /**
     * Entry of a timed Kotlin suspend function, given the continuation it was called with.
     * A first entry starts a call as {@link #enter} does; a resumption (the function's own state
     * machine coming back into it) continues the call that suspended, and returns its token
     * marked {@link InflightCalls#RESUMED}, or 0 (nothing to record) when that call's start was
     * not seen or its suspending return has not been seen yet, in which case its completion is
     * recorded where the continuation it completes is resumed ({@link #continuationResumed}).
     */
    public long suspendEnter(int timer, Object continuation) {
        try {
            if (KotlinCoroutines.resuming(continuation)) {
                long token = suspended.find(KotlinCoroutines.completion(continuation), timer);
                if (token == 0) {
                    return 0;
                }
                operations[timer].calls.resumed(token);
                return token | InflightCalls.RESUMED;
            }
        } catch (Throwable fault) {
            self.recordingFault();
            return 0;
        }
        return enter(timer);
    }

    /**
     * Exit of a timed Kotlin suspend function. A return of {@code COROUTINE_SUSPENDED} records
     * nothing: the call stays in flight (keeping its slot and age), and a first entry's call is
     * kept under {@code continuation} until it completes. Any other return or a throw completes
     * the call: its duration from the first entry is recorded and its slot released.
     */
    public void suspendExit(int timer, long token, Object continuation, Object returned, Throwable thrown) {
        if (!InflightCalls.entered(token)) {
            return;
        }
        boolean resumed = (token & InflightCalls.RESUMED) != 0;
        long call = token & ~InflightCalls.RESUMED;
        try {
            if (thrown == null && KotlinCoroutines.isSuspendedMarker(returned)) {
                operations[timer].calls.suspended(call);
                if (resumed || suspended.add(continuation, timer, call)) {
                    return;
                }
                // No room to keep it: timed as a plain call, its running part only.
            } else if (resumed && !suspended.remove(KotlinCoroutines.completion(continuation), call)) {
                return;
            }
        } catch (Throwable fault) {
            self.recordingFault();
            if (resumed) {
                return;
            }
        }
        exit(timer, call, thrown);
    }

    /**
     * A Kotlin continuation is resumed with {@code result} (a value, or a failed
     * {@code kotlin.Result}): the suspended calls that were given it complete now. With
     * {@code resultKnown} false the result could not be seen, and the calls count as returned.
     */
    public void continuationResumed(Object continuation, Object result, boolean resultKnown) {
        if (suspended.pending() == 0) {
            return;
        }
        try {
            suspended.takeAll(continuation, resultKnown ? KotlinCoroutines.failure(result) : null, complete);
        } catch (Throwable fault) {
            self.recordingFault();
        }
    }

    /** The running calls of each timer, by timer id, for the stall detector. */
    InflightCalls calls(int timer) {
        return operations[timer].calls;
    }

    String operation(int timer) {
        return operations[timer].name;
    }

    /** A nanoTime instant as Unix seconds, through the distance from now on both clocks. */
    static double unixSeconds(long nanoTime) {
        long ageNanos = System.nanoTime() - nanoTime;
        return System.currentTimeMillis() / 1e3 - ageNanos / 1e9;
    }

    private CounterDataPoint errorPoint(int timer, Class<?> type) {
        CounterDataPoint[] points = errorPoints.get(type);
        CounterDataPoint point = points[timer];
        if (point == null) {
            // Once per (exception class, operation); racing threads get the same data point.
            Operation operation = operations[timer];
            boolean room = operation.exceptionLabels.incrementAndGet() <= MAX_EXCEPTION_LABELS
                    && errorSeriesLeft.decrementAndGet() >= 0;
            if (!room) {
                self.seriesOverflow(ERRORS, 1);
            }
            point = errors.labelValues(operation.name, room ? exceptionLabel(type) : OTHER_EXCEPTION);
            points[timer] = point;
        }
        return point;
    }

    /** The simple class name; anonymous and local classes keep their binary name's last part. */
    public static String exceptionLabel(Class<?> type) {
        String simple = type.getSimpleName();
        if (!simple.isEmpty()) {
            return simple;
        }
        String name = type.getName();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /**
     * Fails every recording, for {@link #injectRecordingFault}. Never loaded otherwise, so the
     * timed path's call to {@link DurationHistogram.Recorder#record} stays monomorphic.
     */
    private static final class FaultyRecorder extends DurationHistogram.Recorder {
        FaultyRecorder(DurationHistogram histogram, DurationHistogram.Recorder replaced) {
            super(histogram, replaced.labels());
        }

        @Override
        void record(int stripe, long nanos) {
            throw new IllegalStateException("injected recording fault");
        }
    }

    private static final class Operation {
        final String name;
        final DurationHistogram.Recorder duration;
        final InflightCalls calls = new InflightCalls();
        final AtomicInteger exceptionLabels = new AtomicInteger();

        Operation(String name, DurationHistogram.Recorder duration) {
            this.name = name;
            this.duration = duration;
        }
    }
}
