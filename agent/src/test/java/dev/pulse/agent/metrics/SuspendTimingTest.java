package dev.pulse.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.agent.config.ConfigException;
import dev.pulse.agent.config.PulseConfig;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import kotlin.ResultKt;
import kotlin.coroutines.Continuation;
import kotlin.coroutines.CoroutineContext;
import kotlin.coroutines.EmptyCoroutineContext;
import kotlin.coroutines.intrinsics.IntrinsicsKt;
import kotlin.coroutines.jvm.internal.ContinuationImpl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The suspend-function timer against Kotlin's real coroutine runtime classes, driven by hand
 * the way compiled Kotlin drives them: first entries, suspending returns, resumptions of a state
 * machine (the sign bit of its label set), and the resumption of the caller's continuation.
 */
class SuspendTimingTest {

    private static final Object SUSPENDED = IntrinsicsKt.getCOROUTINE_SUSPENDED();

    private final PrometheusProperties properties = PrometheusProperties.builder().build();
    private final Labels service = Labels.of("service", "svc");
    private PrometheusRegistry registry;
    private ProcessingMetrics metrics;

    @BeforeEach
    void setUp() throws ConfigException {
        registry = new PrometheusRegistry();
        SelfMetrics self = new SelfMetrics("1.0", service, properties, () -> 0);
        Properties timers = new Properties();
        timers.setProperty("pulse.timer.fetch", "a.B#fetch");
        metrics = new ProcessingMetrics(PulseConfig.from(timers, "test").timers(), new double[] {0.001, 1}, 2000, service,
                properties, self);
        metrics.matched(0);
        self.register(registry);
        metrics.register(registry);
    }

    @Test
    void aTailCallCompletesWhenTheContinuationItWasGivenIsResumed() throws Exception {
        Caller caller = new Caller();
        long token = metrics.suspendEnter(0, caller);
        metrics.suspendExit(0, token, caller, SUSPENDED, null);
        assertEquals("1.0", sample("pulse_processing_inflight"));
        assertEquals("0", sample("pulse_processing_duration_seconds_count"));
        Thread.sleep(5);
        metrics.continuationResumed(caller, "value", true);
        assertEquals("0.0", sample("pulse_processing_inflight"));
        assertEquals("1", sample("pulse_processing_duration_seconds_count"));
        assertTrue(Double.parseDouble(sample("pulse_processing_duration_seconds_sum")) >= 0.005);
    }

    @Test
    void aStateMachineCountsOnceOverItsResumptions() throws Exception {
        Caller caller = new Caller();
        long first = metrics.suspendEnter(0, caller);
        Machine own = new Machine(caller);
        metrics.suspendExit(0, first, caller, SUSPENDED, null);
        for (int resumption = 1; resumption <= 3; resumption++) {
            own.label = resumption | Integer.MIN_VALUE;
            long token = metrics.suspendEnter(0, own);
            assertNotEquals(0, token);
            own.label = resumption;
            metrics.suspendExit(0, token, own, resumption < 3 ? SUSPENDED : "done", null);
            assertEquals(resumption < 3 ? "1.0" : "0.0", sample("pulse_processing_inflight"));
        }
        metrics.continuationResumed(caller, "done", true);
        assertEquals("1", sample("pulse_processing_duration_seconds_count"));
    }

    @Test
    void aCallGivenARunningStateMachinesContinuationIsANewCall() throws Exception {
        // Recursion: the function calls itself with its own continuation, whose label's sign bit is clear.
        Machine running = new Machine(new Caller());
        running.label = 1;
        long token = metrics.suspendEnter(0, running);
        metrics.suspendExit(0, token, running, "done", null);
        assertEquals("1", sample("pulse_processing_duration_seconds_count"));
    }

    @Test
    void aFailedResultCountsOneError() throws Exception {
        Caller caller = new Caller();
        long token = metrics.suspendEnter(0, caller);
        metrics.suspendExit(0, token, caller, SUSPENDED, null);
        metrics.continuationResumed(caller, ResultKt.createFailure(new IllegalStateException("late")), true);
        assertEquals("1", sample("pulse_processing_duration_seconds_count"));
        assertEquals("1.0", sample("pulse_processing_errors_total"));
        assertTrue(scrape().contains("exception=\"IllegalStateException\""), scrape());
    }

    @Test
    void aResumptionBeforeTheSuspendingReturnIsSeenStartsNoSecondCall() throws Exception {
        Caller caller = new Caller();
        long first = metrics.suspendEnter(0, caller);
        Machine own = new Machine(caller);
        // Another thread resumes the state machine before this one's suspending return reaches the advice.
        own.label = 1 | Integer.MIN_VALUE;
        long early = metrics.suspendEnter(0, own);
        assertEquals(0, early);
        metrics.suspendExit(0, early, own, "done", null);
        metrics.suspendExit(0, first, caller, SUSPENDED, null);
        // The runtime then resumes the caller's continuation with the result.
        metrics.continuationResumed(caller, "done", false);
        assertEquals("1", sample("pulse_processing_duration_seconds_count"));
        assertEquals("0.0", sample("pulse_processing_inflight"));
    }

    @Test
    void aCallWhoseCoroutineIsCollectedWhileSuspendedLeavesTheFlight() throws Exception {
        suspendOnADroppedContinuation();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!sample("pulse_processing_inflight").equals("0.0") && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(10);
        }
        assertEquals("0.0", sample("pulse_processing_inflight"));
        assertEquals("0", sample("pulse_processing_duration_seconds_count"));
    }

    private void suspendOnADroppedContinuation() {
        Caller caller = new Caller();
        long token = metrics.suspendEnter(0, caller);
        metrics.suspendExit(0, token, caller, SUSPENDED, null);
    }

    private String sample(String name) throws IOException {
        for (String line : scrape().split("\n")) {
            if (line.startsWith(name + "{")) {
                return line.substring(line.lastIndexOf(' ') + 1);
            }
        }
        return null;
    }

    private String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The continuation a caller hands a suspend function. */
    static final class Caller implements Continuation<Object> {
        @Override
        public CoroutineContext getContext() {
            return EmptyCoroutineContext.INSTANCE;
        }

        @Override
        public void resumeWith(Object result) {
        }
    }

    /** A suspend function's own state machine, as the Kotlin compiler generates it. */
    static final class Machine extends ContinuationImpl {
        int label;

        Machine(Continuation<Object> completion) {
            super(completion);
        }

        @Override
        protected Object invokeSuspend(Object result) {
            return result;
        }
    }
}
