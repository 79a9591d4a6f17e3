package dev.pulse.agent.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SamplerTest {

    @Test
    void aStuckOrThrowingReadNeverHoldsUpTheOthers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger good = new AtomicInteger();
        SampleTask stuck = task("queue:stuck", errors -> release.await());
        SampleTask throwing = task("queue:throwing", errors -> {
            throw new IllegalStateException("broken size()");
        });
        SampleTask counting = task("queue:good", errors -> good.incrementAndGet());
        PrometheusRegistry registry = new PrometheusRegistry();
        Sampler sampler = new Sampler(List.of(source(stuck, throwing, counting)), Duration.ofMillis(100),
                Labels.of("service", "svc"), PrometheusProperties.builder().build());
        sampler.register(registry);
        sampler.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (good.get() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(good.get() >= 5, "the good read goes on every pass while another is stuck: " + good.get());
            String text = scrape(registry);
            assertTrue(errors(text, "queue:stuck") >= 2, text);
            assertTrue(errors(text, "queue:throwing") >= 5, text);
            assertEquals(0, errors(text, "queue:good"), text);
        } finally {
            release.countDown();
            sampler.close();
        }
    }

    private static double errors(String text, String source) {
        String prefix = "pulse_sampler_errors_total{service=\"svc\",source=\"" + source + "\"} ";
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix)) {
                return Double.parseDouble(line.substring(prefix.length()));
            }
        }
        return 0;
    }

    private static String scrape(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    interface Body {
        void run(SampleTask.Errors errors) throws Exception;
    }

    private static SampleTask task(String name, Body body) {
        return new SampleTask() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void run(Errors errors) throws Exception {
                body.run(errors);
            }
        };
    }

    private static SampleSource source(SampleTask... tasks) {
        return new SampleSource() {
            @Override
            public void register(PrometheusRegistry registry) {
            }

            @Override
            public List<SampleTask> tasks() {
                return List.of(tasks);
            }
        };
    }
}
