package dev.pulse.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class StallDetectorTest {

    @Test
    void reportsAStuckCallOnceWithItsThreadAndStack() throws Exception {
        PrometheusProperties properties = PrometheusProperties.builder().build();
        Labels service = Labels.of("service", "svc");
        var timers = ProcessingMetricsTest.timers("pulse.timer.loop=a.B#run", "pulse.timer.loop.stall=20ms",
                "pulse.timer.quiet=a.B#other");
        ProcessingMetrics metrics = new ProcessingMetrics(timers, new double[] {1}, 2000, service, properties,
                new SelfMetrics("1", service, properties, () -> 0));
        StallDetector detector = new StallDetector(metrics, timers, service, properties);
        assertTrue(detector.watchesAnything());

        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread stuck = new Thread(() -> {
            long token = metrics.enter(0);
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            metrics.exit(0, token, null);
        }, "stuck-worker");
        stuck.start();
        entered.await();
        long quiet = metrics.enter(1);
        Thread.sleep(60);

        String first = capture(detector);
        String second = capture(detector);
        release.countDown();
        stuck.join();
        metrics.exit(1, quiet, null);

        String[] lines = first.split("\n");
        assertTrue(lines[0].startsWith("pulse: warning: operation loop: a call on thread \"stuck-worker\" has run for "),
                first);
        assertTrue(lines[0].endsWith(" (stall threshold 20ms); its stack:"), first);
        assertTrue(first.contains("java.util.concurrent.CountDownLatch.await(CountDownLatch.java"), first);
        assertTrue(first.contains("StallDetectorTest"), first);
        assertFalse(first.contains("quiet"), "operations without a threshold are not watched");
        assertEquals("", second, "one warning per stuck call");
    }

    @Test
    void exportsEachWatchedOperationsThresholdInSeconds() throws Exception {
        PrometheusProperties properties = PrometheusProperties.builder().build();
        Labels service = Labels.of("service", "svc");
        var timers = ProcessingMetricsTest.timers("pulse.timer.loop=a.B#run", "pulse.timer.loop.stall=1500ms",
                "pulse.timer.quiet=a.B#other");
        ProcessingMetrics metrics = new ProcessingMetrics(timers, new double[] {1}, 2000, service, properties,
                new SelfMetrics("1", service, properties, () -> 0));
        PrometheusRegistry registry = new PrometheusRegistry();
        new StallDetector(metrics, timers, service, properties).register(registry);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(text, registry.scrape());
        String scrape = text.toString(StandardCharsets.UTF_8);
        assertTrue(scrape.contains("pulse_processing_stall_threshold_seconds{operation=\"loop\",service=\"svc\"} 1.5\n"),
                scrape);
        assertFalse(scrape.contains("quiet"), scrape);
    }

    @Test
    void exportsNothingWithoutAThreshold() {
        PrometheusProperties properties = PrometheusProperties.builder().build();
        Labels service = Labels.of("service", "svc");
        var timers = ProcessingMetricsTest.timers("pulse.timer.quiet=a.B#other");
        ProcessingMetrics metrics = new ProcessingMetrics(timers, new double[] {1}, 2000, service, properties,
                new SelfMetrics("1", service, properties, () -> 0));
        PrometheusRegistry registry = new PrometheusRegistry();
        new StallDetector(metrics, timers, service, properties).register(registry);
        assertEquals(0, registry.scrape().size());
    }

    private static String capture(StallDetector detector) {
        PrintStream original = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            detector.run((source, message) -> {
                throw new AssertionError(message);
            });
        } finally {
            System.setErr(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
