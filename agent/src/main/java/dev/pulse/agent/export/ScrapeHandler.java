package dev.pulse.agent.export;

import dev.pulse.agent.AgentLog;
import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code /metrics}: the client library's {@link PrometheusScrapeHandler} (format by Accept,
 * gzip, {@code name[]}, {@code debug}) run on the endpoint's one worker thread.
 *
 * <p>Requests that ask for the same thing (same Accept, gzip or not, same query) while a
 * rendering of it waits in the queue join that rendering: one rendering of that moment answers
 * them all, and no response is older than its request. Rendering time is budgeted: the budget
 * refills at half a second per second (up to {@link #BURST_NANOS}), and when a rendering
 * overdraws it the worker rests until it is even again. A scraper now and then never waits; under any flood,
 * rendering takes at most half of one core.
 */
final class ScrapeHandler implements Handler {

    /** Rendering time that may be spent at once before the half-core rate applies. */
    static final long BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final byte[] ERROR_BODY = "a metric failed to collect; see pulse_agent_errors_total\n"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final PrometheusScrapeHandler scrape;
    private final Worker worker;
    private final Runnable onOverload;
    private final Map<Key, Batch> waiting = new HashMap<>();
    private final AtomicBoolean faultLogged = new AtomicBoolean();
    /** The worker thread's only. */
    private final TimeBudget budget = new TimeBudget(0.5, BURST_NANOS);

    ScrapeHandler(PrometheusScrapeHandler scrape, Worker worker, Runnable onOverload) {
        this.scrape = scrape;
        this.worker = worker;
        this.onOverload = onOverload;
    }

    @Override
    public void handle(HttpRequest request, Reply reply) {
        Key key = new Key(request);
        synchronized (waiting) {
            Batch batch = waiting.get(key);
            if (batch != null) {
                batch.replies.add(reply);
                return;
            }
            batch = new Batch(key, request);
            batch.replies.add(reply);
            waiting.put(key, batch);
            Batch queued = batch;
            if (worker.offer(() -> render(queued))) {
                return;
            }
            waiting.remove(key);
        }
        onOverload.run();
        reply.send(HttpResponse.text(503, "busy; try again\n", true));
    }

    private void render(Batch batch) {
        synchronized (waiting) {
            waiting.remove(batch.key);
        }
        long start = System.nanoTime();
        HttpResponse response = renderNow(batch.request);
        for (Reply reply : batch.replies) {
            reply.send(response);
        }
        long rest = budget.charge(System.nanoTime() - start);
        if (rest > 0) {
            LockSupport.parkNanos(rest);
        }
    }

    /** Renders one response for {@code request}; never throws. */
    HttpResponse renderNow(HttpRequest request) {
        BufferedExchange exchange = new BufferedExchange(request);
        try {
            scrape.handleRequest(exchange);
        } catch (IOException | RuntimeException e) {
            exchange.failure = e;
        }
        if (exchange.failure != null || exchange.response == null) {
            if (faultLogged.compareAndSet(false, true)) {
                AgentLog.warn("a scrape failed: " + (exchange.failure == null ? "no response"
                        : exchange.failure.getMessage())
                        + "; answered 500, and counted from now on without a word");
            }
            return HttpResponse.builder(500).header("Content-Type", "text/plain; charset=utf-8").body(ERROR_BODY)
                    .build();
        }
        return exchange.response.body(exchange.body.toByteArray()).build();
    }

    /** What makes two scrape requests ask for the same bytes. */
    private static final class Key {
        private final List<String> accept;
        private final boolean gzip;
        private final String query;

        Key(HttpRequest request) {
            this.accept = request.headers("Accept");
            this.gzip = acceptsGzip(request);
            this.query = request.rawQuery();
        }

        private static boolean acceptsGzip(HttpRequest request) {
            for (String header : request.headers("Accept-Encoding")) {
                for (String coding : header.split(",")) {
                    if (coding.trim().toLowerCase(Locale.ROOT).equals("gzip")) {
                        return true;
                    }
                }
            }
            return false;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Key)) {
                return false;
            }
            Key that = (Key) other;
            return gzip == that.gzip && accept.equals(that.accept) && Objects.equals(query, that.query);
        }

        @Override
        public int hashCode() {
            return Objects.hash(accept, gzip, query);
        }
    }

    private static final class Batch {
        final Key key;
        final HttpRequest request;
        final List<Reply> replies = new ArrayList<>();

        Batch(Key key, HttpRequest request) {
            this.key = key;
            this.request = request;
        }
    }

    /**
     * The library's view of one request, answered into memory. The method is always GET: a HEAD
     * shares the GET's rendering, and the server leaves its body out.
     */
    private static final class BufferedExchange implements PrometheusHttpExchange, PrometheusHttpRequest,
            PrometheusHttpResponse {
        private final HttpRequest request;
        private HttpResponse.Builder response;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final List<String> headers = new ArrayList<>();
        private Exception failure;

        BufferedExchange(HttpRequest request) {
            this.request = request;
        }

        @Override
        public PrometheusHttpRequest getRequest() {
            return this;
        }

        @Override
        public PrometheusHttpResponse getResponse() {
            return this;
        }

        @Override
        public void handleException(IOException e) {
            failure = e;
        }

        @Override
        public void handleException(RuntimeException e) {
            failure = e;
        }

        @Override
        public void close() {
        }

        @Override
        public String getQueryString() {
            return request.rawQuery();
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return Collections.enumeration(request.headers(name));
        }

        @Override
        public String getMethod() {
            return "GET";
        }

        @Override
        public String getRequestPath() {
            return request.path();
        }

        @Override
        public void setHeader(String name, String value) {
            headers.add(name);
            headers.add(value);
        }

        @Override
        public OutputStream sendHeadersAndGetBody(int status, int contentLength) throws IOException {
            if (response != null) {
                throw new IOException("a second response for one request");
            }
            response = HttpResponse.builder(status);
            for (int i = 0; i < headers.size(); i += 2) {
                response.header(headers.get(i), headers.get(i + 1));
            }
            return body;
        }
    }
}
