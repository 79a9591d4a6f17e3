package dev.pulse.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.agent.config.ConfigException;
import dev.pulse.agent.config.PulseConfig;
import dev.pulse.agent.config.TimerConfig;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProcessingMetricsTest {

    private final PrometheusProperties properties = PrometheusProperties.builder().build();
    private final Labels service = Labels.of("service", "svc");
    private PrometheusRegistry registry;
    private SelfMetrics self;
    private ProcessingMetrics metrics;

    @BeforeEach
    void setUp() {
        registry = new PrometheusRegistry();
        self = new SelfMetrics("1.0", service, properties, () -> 0);
        metrics = new ProcessingMetrics(timers("pulse.timer.cycle=a.B#run", "pulse.timer.delivery=a.C#send"),
                new double[] {0.001, 1}, 2000, service, properties, self);
        metrics.matched(0);
        metrics.matched(1);
        self.register(registry);
        metrics.register(registry);
    }

    @Test
    void countsDurationsErrorsAndCallsInFlight() throws Exception {
        long first = metrics.enter(0);
        long second = enterOnAnotherThread(0);
        long third = metrics.enter(1);
        String during = scrape();
        assertTrue(during.contains("pulse_processing_inflight{operation=\"cycle\",service=\"svc\"} 2.0"), during);
        assertTrue(during.contains("pulse_processing_inflight{operation=\"delivery\",service=\"svc\"} 1.0"), during);

        metrics.exit(0, first, null);
        metrics.exit(0, second, new IllegalStateException());
        metrics.exit(1, third, new java.io.IOException());
        String after = scrape();
        assertTrue(after.contains("pulse_processing_inflight{operation=\"cycle\",service=\"svc\"} 0.0"), after);
        assertTrue(after.contains("pulse_processing_duration_seconds_count{operation=\"cycle\",service=\"svc\"} 2"),
                after);
        assertTrue(after.contains("pulse_processing_duration_seconds_bucket{operation=\"cycle\",service=\"svc\","
                + "le=\"+Inf\"} 2"), after);
        assertTrue(after.contains("pulse_processing_errors_total{exception=\"IllegalStateException\","
                + "operation=\"cycle\",service=\"svc\"} 1.0"), after);
        assertTrue(after.contains("pulse_processing_errors_total{exception=\"IOException\","
                + "operation=\"delivery\",service=\"svc\"} 1.0"), after);
    }

    @Test
    void durationIsMeasuredInSeconds() throws IOException, InterruptedException {
        long start = metrics.enter(0);
        Thread.sleep(20);
        metrics.exit(0, start, null);
        String text = scrape();
        assertTrue(text.contains("pulse_processing_duration_seconds_bucket{operation=\"cycle\",service=\"svc\","
                + "le=\"0.001\"} 0"), text);
        assertTrue(text.contains("pulse_processing_duration_seconds_bucket{operation=\"cycle\",service=\"svc\","
                + "le=\"1.0\"} 1"), text);
    }

    @Test
    void exceptionLabelsAreBoundedPerOperation() throws IOException {
        for (int i = 0; i < ProcessingMetrics.MAX_EXCEPTION_LABELS + 5; i++) {
            Throwable distinct = new ClassLoaderOfItsOwn().newException();
            metrics.exit(0, metrics.enter(0), distinct);
        }
        String text = scrape();
        assertTrue(text.contains("pulse_processing_errors_total{exception=\"other\",operation=\"cycle\","
                + "service=\"svc\"} 5.0"), text);
        assertTrue(text.contains("pulse_series_overflow_total{metric=\"pulse_processing_errors_total\","
                + "service=\"svc\"} 5.0"), text);
    }

    @Test
    void exceptionLabelsAreBoundedByTheFamilyCap() throws IOException {
        registry = new PrometheusRegistry();
        self = new SelfMetrics("1.0", service, properties, () -> 0);
        // 4 series: one "other" kept aside for each of the 2 operations, 2 left for exception names.
        metrics = new ProcessingMetrics(timers("pulse.timer.cycle=a.B#run", "pulse.timer.delivery=a.C#send"),
                new double[] {1}, 4, service, properties, self);
        metrics.matched(0);
        metrics.matched(1);
        self.register(registry);
        metrics.register(registry);
        for (int i = 0; i < 3; i++) {
            metrics.exit(i % 2, metrics.enter(i % 2), new ClassLoaderOfItsOwn().newException());
        }
        String text = scrape();
        assertEquals(3, text.lines().filter(line -> line.startsWith("pulse_processing_errors_total{")).count(), text);
        assertTrue(text.contains("pulse_processing_errors_total{exception=\"other\",operation=\"cycle\","
                + "service=\"svc\"} 1.0"), text);
        assertTrue(text.contains("pulse_series_overflow_total{metric=\"pulse_processing_errors_total\","
                + "service=\"svc\"} 1.0"), text);
    }

    @Test
    void anInjectedRecordingFaultIsCountedAndTheCallLeavesNoTrace() throws IOException {
        metrics.injectRecordingFault("cycle");
        metrics.exit(0, metrics.enter(0), null);
        String text = scrape();
        assertTrue(text.contains("pulse_agent_errors_total{component=\"recorder\",service=\"svc\"} 1.0"), text);
        assertEquals(0.0, value(text, "pulse_processing_inflight{operation=\"cycle\""));
    }

    @Test
    void anonymousExceptionClassesKeepAName() {
        Throwable anonymous = new RuntimeException() { };
        assertEquals("ProcessingMetricsTest$1", ProcessingMetrics.exceptionLabel(anonymous.getClass()));
    }

    @Test
    void aFaultInRecordingIsCountedNotThrown() throws IOException {
        metrics.exit(5, metrics.enter(0), null);
        String text = scrape();
        assertTrue(text.contains("pulse_agent_errors_total{component=\"recorder\",service=\"svc\"} 1.0"), text);
    }

    @Test
    void oldestCallAndLastSuccess() throws Exception {
        String idle = scrape();
        assertTrue(idle.contains("pulse_processing_oldest_inflight_seconds{operation=\"cycle\",service=\"svc\"} 0.0"),
                idle);
        assertTrue(!idle.contains("pulse_processing_last_success_timestamp_seconds{operation=\"cycle\""),
                "no timestamp before the first normal return:\n" + idle);
        long running = metrics.enter(0);
        Thread.sleep(50);
        long quick = enterOnAnotherThread(0);
        metrics.exit(0, quick, null);
        double before = System.currentTimeMillis() / 1e3;
        String busy = scrape();
        double oldest = value(busy, "pulse_processing_oldest_inflight_seconds{operation=\"cycle\"");
        assertTrue(oldest >= 0.05 && oldest < 5, busy);
        double last = value(busy, "pulse_processing_last_success_timestamp_seconds{operation=\"cycle\"");
        assertTrue(Math.abs(before - last) < 1, last + " vs " + before);
        metrics.exit(0, running, new IllegalStateException());
        assertEquals(0.0, value(scrape(), "pulse_processing_oldest_inflight_seconds{operation=\"cycle\""));
    }

    @Test
    void callsBeyondTheSlotsAreStillTimedAndCounted() throws Exception {
        int calls = InflightCalls.SLOTS + 10;
        long[] tokens = new long[calls];
        for (int i = 0; i < calls; i++) {
            tokens[i] = enterOnAnotherThread(1);
        }
        assertEquals(calls, value(scrape(), "pulse_processing_inflight{operation=\"delivery\""));
        for (long token : tokens) {
            metrics.exit(1, token, null);
        }
        String text = scrape();
        assertEquals(0.0, value(text, "pulse_processing_inflight{operation=\"delivery\""));
        assertEquals(calls, value(text, "pulse_processing_duration_seconds_count{operation=\"delivery\""));
    }

    @Test
    void aCallWhoseEnterNeverRanRecordsNothing() throws IOException {
        metrics.exit(0, 0L, null);
        String text = scrape();
        assertEquals(0.0, value(text, "pulse_processing_duration_seconds_count{operation=\"cycle\""));
        assertEquals(0.0, value(text, "pulse_processing_inflight{operation=\"cycle\""));
    }

    @Test
    void aCallNestedInACallOfTheSameOperationOnTheSameThreadIsNotCountedAgain() throws Exception {
        long outer = metrics.enter(0);
        long nested = metrics.enter(0);
        long otherOperation = metrics.enter(1);
        long elsewhere = enterOnAnotherThread(0);
        assertEquals(2.0, value(scrape(), "pulse_processing_inflight{operation=\"cycle\""));
        metrics.exit(1, otherOperation, null);
        metrics.exit(0, nested, new IllegalStateException("nested"));
        metrics.exit(0, elsewhere, null);
        metrics.exit(0, outer, null);
        String text = scrape();
        assertEquals(2.0, value(text, "pulse_processing_duration_seconds_count{operation=\"cycle\""));
        assertEquals(1.0, value(text, "pulse_processing_duration_seconds_count{operation=\"delivery\""));
        assertTrue(!text.contains("exception=\"IllegalStateException\""), text);
        // Once the outer call returned, the next call counts again.
        metrics.exit(0, metrics.enter(0), null);
        assertEquals(3.0, value(scrape(), "pulse_processing_duration_seconds_count{operation=\"cycle\""));
    }

    @Test
    void reEntryIsFoundWhenTheOuterCallHadToTakeAnotherSlot() throws Exception {
        // Fill every slot from other threads, free one, then enter twice on this thread.
        int slots = InflightCalls.SLOTS;
        long[] others = new long[slots];
        for (int i = 0; i < slots; i++) {
            others[i] = enterOnAnotherThread(1);
        }
        int freed = (int) (Thread.currentThread().getId() + 1) % slots;
        long outer = 0;
        for (int i = 0; i < slots; i++) {
            if (InflightCalls.stripe(others[i]) == freed) {
                metrics.exit(1, others[i], null);
                others[i] = 0;
                outer = metrics.enter(1);
            }
        }
        // The outer call holds a displaced slot; its own slot is now freed by another call.
        for (int i = 0; i < slots; i++) {
            if (others[i] != 0) {
                metrics.exit(1, others[i], null);
            }
        }
        long nested = metrics.enter(1);
        metrics.exit(1, nested, null);
        metrics.exit(1, outer, null);
        assertEquals(slots + 1.0, value(scrape(), "pulse_processing_duration_seconds_count{operation=\"delivery\""));
    }

    @Test
    void anOperationNothingMatchedExportsNoSeries() throws IOException {
        registry = new PrometheusRegistry();
        metrics = new ProcessingMetrics(timers("pulse.timer.cycle=a.B#run", "pulse.timer.delivery=a.C#send"),
                new double[] {1}, 2000, service, properties, self);
        metrics.register(registry);
        metrics.matched(1);
        String text = scrape();
        assertTrue(!text.contains("operation=\"cycle\""), text);
        assertEquals(0.0, value(text, "pulse_processing_duration_seconds_count{operation=\"delivery\""));
        assertEquals(0.0, value(text, "pulse_processing_inflight{operation=\"delivery\""));
        metrics.matched(0);
        assertEquals(0.0, value(scrape(), "pulse_processing_duration_seconds_count{operation=\"cycle\""));
    }

    private long enterOnAnotherThread(int timer) throws InterruptedException {
        long[] token = new long[1];
        Thread thread = new Thread(() -> token[0] = metrics.enter(timer));
        thread.start();
        thread.join();
        return token[0];
    }

    static List<TimerConfig> timers(String... lines) {
        java.util.Properties properties = new java.util.Properties();
        for (String line : lines) {
            properties.setProperty(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        try {
            return PulseConfig.from(properties, "test").timers();
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    private static double value(String text, String prefix) {
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    private String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Defines a fresh exception class per instance, so each is a distinct label. */
    private static final class ClassLoaderOfItsOwn extends ClassLoader {
        ClassLoaderOfItsOwn() {
            super(ProcessingMetricsTest.class.getClassLoader());
        }

        Throwable newException() {
            String name = "dev.pulse.agent.metrics.Fresh" + System.identityHashCode(this);
            byte[] bytes = new net.bytebuddy.ByteBuddy().subclass(RuntimeException.class).name(name).make().getBytes();
            try {
                Class<?> type = defineClass(name, bytes, 0, bytes.length);
                return (Throwable) type.getConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }
}
