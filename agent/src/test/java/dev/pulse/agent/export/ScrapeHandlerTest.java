package dev.pulse.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ScrapeHandlerTest {

    private final AtomicInteger collections = new AtomicInteger();
    private final PrometheusRegistry registry = new PrometheusRegistry();

    ScrapeHandlerTest() {
        registry.register(GaugeWithCallback.builder().name("collected").help("times collected")
                .callback(callback -> callback.call(collections.incrementAndGet())).build());
    }

    @Test
    void requestsWaitingForTheSameThingShareOneRendering() throws Exception {
        try (Worker worker = new Worker("test-worker", 8)) {
            ScrapeHandler handler = new ScrapeHandler(new PrometheusScrapeHandler(PrometheusProperties.get(), registry),
                    worker, () -> { });
            CountDownLatch release = new CountDownLatch(1);
            worker.offer(() -> await(release));
            List<HttpResponse> plain = new CopyOnWriteArrayList<>();
            List<HttpResponse> gzip = new CopyOnWriteArrayList<>();
            CountDownLatch answered = new CountDownLatch(20);
            for (int i = 0; i < 10; i++) {
                handler.handle(HttpRequest.of("GET", "/metrics"), response -> {
                    plain.add(response);
                    answered.countDown();
                });
                handler.handle(HttpRequest.of("HEAD", "/metrics", "Accept-Encoding", "gzip"), response -> {
                    gzip.add(response);
                    answered.countDown();
                });
            }
            release.countDown();
            assertTrue(answered.await(10, TimeUnit.SECONDS));
            assertEquals(2, collections.get(), "one rendering per kind of request");
            plain.forEach(response -> assertSame(plain.get(0), response));
            gzip.forEach(response -> assertSame(gzip.get(0), response));
            assertEquals(200, plain.get(0).status());
            assertTrue(new String(plain.get(0).body(), StandardCharsets.UTF_8).contains("collected 1.0")
                    || new String(plain.get(0).body(), StandardCharsets.UTF_8).contains("collected 2.0"));
            assertEquals("gzip", gzip.get(0).header("Content-Encoding"));
        }
    }

    @Test
    void aFullQueueAnswers503AtOnce() throws Exception {
        try (Worker worker = new Worker("test-worker", 1)) {
            AtomicInteger overloads = new AtomicInteger();
            ScrapeHandler handler = new ScrapeHandler(new PrometheusScrapeHandler(PrometheusProperties.get(), registry),
                    worker, overloads::incrementAndGet);
            CountDownLatch release = new CountDownLatch(1);
            worker.offer(() -> await(release));
            worker.offer(() -> await(release));
            List<HttpResponse> answers = new CopyOnWriteArrayList<>();
            handler.handle(HttpRequest.of("GET", "/metrics"), answers::add);
            assertEquals(503, answers.get(0).status());
            assertEquals(1, overloads.get());
            release.countDown();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
