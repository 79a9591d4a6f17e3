package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The endpoint stays up for the service's own probes: clients that send half a request or
 * nothing, a flood of scrapers, HEAD requests and clients that vanish mid-answer. One service
 * (256 MB heap) serves every test; its standard error is checked last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndpointStaysUpIT {

    private static final String HALF_SENT = "GET /metrics HTTP/1.1\r\nHost: x\r\n";
    /** The functional bound: a probe answers within a second while the endpoint is abused. */
    private static final long PROBE_MILLIS = 1000;
    private ForkedJvm app;
    private int port;

    @BeforeAll
    void start() throws Exception {
        port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(Files.createTempDirectory("pulse-it"),
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.timer.jobs=dev.pulse.it.apps.Jobs#process");
        app = ForkedJvm.app(config, "dev.pulse.it.apps.TargetApp", "--hold-ms", "300000");
        app.awaitStdout("app: ready");
        app.awaitScrape(port);
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    @Order(1)
    void halfSentRequestsAndIdleConnectionsNeitherBlockProbesNorStayOpen() throws Exception {
        long rssBefore = RawHttp.rssKib(app.pid());
        List<Socket> halfSent = new ArrayList<>();
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                Socket socket = RawHttp.connect(port, 5000);
                socket.getOutputStream().write(HALF_SENT.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                halfSent.add(socket);
                idle.add(RawHttp.connect(port, 5000));
            }
            for (int i = 0; i < 5; i++) {
                assertProbeAnswers("/-/healthy");
                assertProbeAnswers("/metrics");
            }
            long rssGrowthKib = RawHttp.rssKib(app.pid()) - rssBefore;
            System.out.println("endpoint: 200 half-sent + 200 idle connections: RSS grew " + rssGrowthKib + " KiB");
            assertTrue(rssGrowthKib < 64 << 10, "RSS grew by " + rssGrowthKib + " KiB");

            // A head that has not arrived within the deadline (a few seconds) closes its connection.
            long start = System.nanoTime();
            for (Socket socket : halfSent) {
                socket.setSoTimeout(15_000);
                assertTrue(RawHttp.closedByServer(socket), "a half-sent request still open after 15 s");
            }
            System.out.println("endpoint: half-sent requests closed after "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms more");
            assertProbeAnswers("/-/healthy");
        } finally {
            for (Socket socket : halfSent) {
                socket.close();
            }
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    @Test
    @Order(2)
    void headRequestsAndClientsThatVanishAreAnsweredOrCountedWithoutAWord() throws Exception {
        String head = RawHttp.exchange(port, "HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5000);
        assertTrue(head.startsWith("HTTP/1.1 200"), head);
        assertTrue(head.endsWith("\r\n\r\n"), "a HEAD answer has no body: " + head);
        assertTrue(head.toLowerCase().contains("content-length: "), head);
        String gzipHead = RawHttp.exchange(port,
                "HEAD /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n", 5000);
        assertTrue(gzipHead.startsWith("HTTP/1.1 200"), gzipHead);
        assertTrue(gzipHead.endsWith("\r\n\r\n"), gzipHead);
        assertTrue(gzipHead.toLowerCase().contains("content-encoding: gzip"), gzipHead);

        // Clients that ask for a scrape and reset the connection at once.
        for (int i = 0; i < 50; i++) {
            try (Socket socket = RawHttp.connect(port, 5000)) {
                socket.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                socket.setSoLinger(true, 0);
            }
        }
        String scrape = ForkedJvm.scrape(port);
        assertTrue(Scrape.value(scrape, "pulse_http_client_errors_total", "reason=\"header_timeout\"") >= 200,
                scrape);
    }

    @Test
    @Order(3)
    void aFloodOfScrapersGetsConnectedAndServedWithBoundedCpu() throws Exception {
        Flood perConnection = flood(false);
        Flood keepAlive = flood(true);
        // A dropped SYN (a full listen backlog) costs a one-second retransmission.
        assertTrue(perConnection.slowestConnectMillis < 1000, "a connection took " + perConnection.slowestConnectMillis
                + " ms");
        // Generous, for a shared machine: rendering is held to half a core, and the I/O is one thread.
        for (Flood flood : List.of(perConnection, keepAlive)) {
            assertTrue(flood.scrapes >= 64, flood.scrapes + " scrapes");
            assertTrue(flood.cores < 1.5, String.format("the service used %.2f cores", flood.cores));
        }
    }

    /** What one flood did to the service. */
    private static final class Flood {
        long scrapes;
        long slowestConnectMillis;
        double cores;
    }

    /**
     * 64 threads scraping back to back for 4 s, each on a new connection per scrape, or on one
     * keep-alive connection; probes in the middle must answer within the bound.
     */
    private Flood flood(boolean keepAlive) throws Exception {
        int scrapers = 64;
        long floodMillis = 4000;
        byte[] request = ("GET /metrics HTTP/1.1\r\nHost: x\r\n" + (keepAlive ? "" : "Connection: close\r\n")
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicLong scrapes = new AtomicLong();
        AtomicLong slowestConnectNanos = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(scrapers);
        long cpuBefore = RawHttp.cpuTicks(app.pid());
        long start = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < scrapers; i++) {
                running.add(pool.submit(() -> {
                    while (flooding.get()) {
                        long connecting = System.nanoTime();
                        try (Socket socket = RawHttp.connect(port, 10_000)) {
                            slowestConnectNanos.accumulateAndGet(System.nanoTime() - connecting, Math::max);
                            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
                            do {
                                socket.getOutputStream().write(request);
                                if (RawHttp.readResponse(in).startsWith("HTTP/1.1 200")) {
                                    scrapes.incrementAndGet();
                                }
                            } while (keepAlive && flooding.get());
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(floodMillis / 2);
            assertProbeAnswers("/-/healthy");
            assertProbeAnswers("/metrics");
            Thread.sleep(floodMillis / 2);
            flooding.set(false);
            for (Future<?> scraper : running) {
                scraper.get(30, TimeUnit.SECONDS);
            }
        } finally {
            flooding.set(false);
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Flood flood = new Flood();
        flood.cores = (RawHttp.cpuTicks(app.pid()) - cpuBefore) / 100.0 / seconds;
        flood.scrapes = scrapes.get();
        flood.slowestConnectMillis = TimeUnit.NANOSECONDS.toMillis(slowestConnectNanos.get());
        System.out.printf("endpoint: %d scrapers, %s, for %.1f s: %.0f scrapes/s, slowest connect %d ms, service CPU"
                + " %.2f cores, %.3f ms CPU a scrape%n", scrapers, keepAlive ? "keep-alive" : "a connection per scrape",
                seconds, flood.scrapes / seconds, flood.slowestConnectMillis, flood.cores,
                flood.cores * seconds * 1000 / Math.max(1, flood.scrapes));
        return flood;
    }

    @Test
    @Order(4)
    void nothingWentToTheServicesStandardError() {
        String stderr = app.stderr();
        for (String banned : List.of("\tat ", "SEVERE", "WARNING", "Broken pipe", "sun.net.httpserver")) {
            assertFalse(stderr.contains(banned), banned + " in\n" + app.describe());
        }
        assertTrue(app.isAlive(), app::describe);
    }

    private void assertProbeAnswers(String path) throws IOException {
        long start = System.nanoTime();
        String response = RawHttp.get(port, path, (int) PROBE_MILLIS * 5);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(response.startsWith("HTTP/1.1 200"), path + ": " + response.lines().findFirst().orElse(""));
        assertTrue(millis < PROBE_MILLIS, path + " took " + millis + " ms");
        assertEquals(-1, response.indexOf("\tat "), response);
    }
}
