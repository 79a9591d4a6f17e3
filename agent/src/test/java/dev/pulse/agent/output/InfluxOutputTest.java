package dev.pulse.agent.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.pulse.agent.config.OutputConfig;
import dev.pulse.agent.config.PulseConfig;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The InfluxDB output against a stand-in server on loopback that records what it gets. */
class InfluxOutputTest {

    private HttpServer server;
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger status = new AtomicInteger(204);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization") + " "
                    + exchange.getRequestHeaders().getFirst("Content-Encoding"));
            try (InputStream body = new GZIPInputStream(exchange.getRequestBody())) {
                bodies.add(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            int answer = status.get();
            byte[] error = answer == 204 ? new byte[0] : "{\"error\":\"bad\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer, answer == 204 ? -1 : error.length);
            exchange.getResponseBody().write(error);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void writesInfluxDb2LineProtocolGzippedWithTheToken() throws Exception {
        OutputStats stats = new OutputStats("influx");
        InfluxOutput output = new InfluxOutput(influx("pulse.influx.org", "acme corp", "pulse.influx.bucket", "jobs",
                "pulse.influx.token", "tok"), stats);
        output.write(scrape(3), 1000L, deadline(), false);
        assertEquals(List.of("POST /api/v2/write?org=acme%20corp&bucket=jobs&precision=ms Token tok gzip"), requests);
        assertEquals("depth,queue_name=q0 gauge=0.0 1000\ndepth,queue_name=q1 gauge=1.0 1000\n"
                + "depth,queue_name=q2 gauge=2.0 1000\n", bodies.get(0));
        assertEquals(3, stats.points.sum());
        assertEquals(0, stats.buffered.get());
        assertTrue(stats.lastSuccessMillis.get() > 0);
    }

    @Test
    void writesInfluxDb1WithBasicAuthentication() throws Exception {
        InfluxOutput output = new InfluxOutput(influx("pulse.influx.db", "metrics", "pulse.influx.user", "writer",
                "pulse.influx.password", "pw"), new OutputStats("influx"));
        output.write(scrape(1), 1000L, deadline(), false);
        assertEquals(List.of("POST /write?db=metrics&precision=ms Basic d3JpdGVyOnB3 gzip"), requests);
    }

    @Test
    void whileTheServerFailsItKeepsTheNewestPointsBacksOffAndDeliversThemLater() throws Exception {
        OutputStats stats = new OutputStats("influx");
        InfluxOutput output = new InfluxOutput(influx("pulse.influx.db", "m", "pulse.influx.buffer_points", "5"), stats);
        status.set(503);
        IOException failed = assertThrows(IOException.class, () -> output.write(scrape(3), 1L, deadline(), false));
        assertTrue(failed.getMessage().contains("answered HTTP 503"), failed.getMessage());
        assertEquals(3, stats.buffered.get());
        // Within the backoff it only buffers: no request, and the oldest points make room.
        output.write(scrape(3), 2L, deadline(), false);
        assertEquals(1, requests.size());
        assertEquals(5, stats.buffered.get());
        assertEquals(1, stats.dropped.sum());
        status.set(204);
        output.write(scrape(1), 3L, deadline(), true);
        assertEquals(0, stats.buffered.get());
        assertEquals(5, stats.points.sum());
        assertEquals(2, stats.dropped.sum());
        assertEquals("depth,queue_name=q2 gauge=2.0 1\ndepth,queue_name=q0 gauge=0.0 2\ndepth,queue_name=q1 gauge=1.0 2\n"
                + "depth,queue_name=q2 gauge=2.0 2\ndepth,queue_name=q0 gauge=0.0 3\n", bodies.get(bodies.size() - 1));
    }

    @Test
    void aBatchTheServerRefusesIsDroppedAndCountedSoTheRestFlows() throws Exception {
        OutputStats stats = new OutputStats("influx");
        InfluxOutput output = new InfluxOutput(influx("pulse.influx.db", "m"), stats);
        status.set(400);
        IOException refused = assertThrows(IOException.class, () -> output.write(scrape(2), 1L, deadline(), false));
        assertTrue(refused.getMessage().contains("refusing 2 points (dropped)"), refused.getMessage());
        assertEquals(2, stats.dropped.sum());
        assertEquals(0, stats.buffered.get());
        status.set(204);
        output.write(scrape(2), 2L, deadline(), false);
        assertEquals(2, stats.points.sum());
    }

    private OutputConfig.Influx influx(String... keysAndValues) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("pulse.influx.url", "http://127.0.0.1:" + server.getAddress().getPort());
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return PulseConfig.from(properties, "test").outputs().influx();
    }

    private static MetricSnapshots scrape(int queues) {
        GaugeSnapshot.Builder depth = GaugeSnapshot.builder().name("depth");
        for (int i = 0; i < queues; i++) {
            depth.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("queue_name", "q" + i))
                    .value(i).build());
        }
        return MetricSnapshots.of(depth.build());
    }

    private static long deadline() {
        return System.nanoTime() + 5_000_000_000L;
    }
}
