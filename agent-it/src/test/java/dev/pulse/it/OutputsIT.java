package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outputs against real servers from Debian's packages, each started here on a free loopback
 * port: InfluxDB (points queried back, an outage buffered and then delivered, what did not fit
 * counted), node_exporter's textfile collector (served, and a reader never sees half a file), and a
 * Pushgateway (a JVM that runs 2 s leaves its final counts). A server that never answers delays the
 * service's exit by at most the exit deadline.
 */
class OutputsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A service label with the characters line protocol escapes: space, comma, equals sign, quotes. */
    private static final String SERVICE = "svc a,b=c \"d\"";
    private static final String INTERVAL = "300ms";

    @Test
    void influxDbGetsTheScrapedValuesAndAfterAnOutageTheBufferedPoints(@TempDir Path folder) throws Exception {
        int influxPort = ForkedJvm.freePort();
        Path influxConfig = folder.resolve("influxdb.conf");
        Files.writeString(influxConfig, String.join("\n",
                "reporting-disabled = true",
                "bind-address = \"127.0.0.1:" + ForkedJvm.freePort() + "\"",
                "[meta]", "  dir = \"" + folder.resolve("meta") + "\"",
                "[data]", "  dir = \"" + folder.resolve("data") + "\"", "  wal-dir = \"" + folder.resolve("wal") + "\"",
                "  query-log-enabled = false",
                "[http]", "  bind-address = \"127.0.0.1:" + influxPort + "\"", "  log-enabled = false",
                "[monitor]", "  store-enabled = false",
                "[continuous_queries]", "  enabled = false", ""));
        String influx = "http://127.0.0.1:" + influxPort;
        Path textfile = folder.resolve("textfile");
        Files.createDirectory(textfile);
        int nodePort = ForkedJvm.freePort();
        try (Daemon influxd = Daemon.start(List.of(Executables.onPath("influxd", "influxdb").toString(), "-config",
                influxConfig.toString()), folder.resolve("influxd.log"), influx + "/ping");
                Daemon nodeExporter = Daemon.start(List.of(
                        Executables.onPath("prometheus-node-exporter", "prometheus-node-exporter").toString(),
                        "--web.listen-address=127.0.0.1:" + nodePort, "--collector.disable-defaults",
                        "--collector.textfile", "--collector.textfile.directory=" + textfile),
                        folder.resolve("node-exporter.log"), "http://127.0.0.1:" + nodePort + "/metrics")) {
            assertEquals(200, Daemon.post(influx + "/query", "q=CREATE+DATABASE+pulse").statusCode());
            int port = ForkedJvm.freePort();
            Path config = ForkedJvm.writeConfig(folder, "pulse.service=" + SERVICE, "pulse.http.host=127.0.0.1",
                    "pulse.http.port=" + port, "pulse.sample.interval=" + INTERVAL, "pulse.jvm=false",
                    "pulse.timer.jobs=dev.pulse.it.apps.Jobs#process",
                    "pulse.queue.outbox=dev.pulse.it.apps.Outbox#QUEUE",
                    "pulse.influx.url=" + influx, "pulse.influx.db=pulse", "pulse.influx.buffer_points=2000",
                    "pulse.influx.timeout=1s",
                    "pulse.textfile.path=" + textfile.resolve("target.prom"));
            try (ForkedJvm app = ForkedJvm.app(config, "dev.pulse.it.apps.TargetApp", "--calls", "100",
                    "--hold-ms", "120000")) {
                app.awaitStdout("app: ready");
                String scrape = app.awaitScrape(port, "the outbox sampled",
                        text -> Scrape.value(text, "pulse_queue_depth", "queue_name=\"outbox\"") == 7);
                assertEquals(100, Scrape.value(scrape, "pulse_processing_duration_seconds_count", "operation=\"jobs\""));

                // The values scraped, queried back from InfluxDB; the escaped service label comes back whole.
                // A write may carry the timers before the sampler's first read of the queue: wait for both.
                await("InfluxDB to have the points", () -> influxValue(influx,
                        "SELECT last(\"count\") FROM \"pulse_processing_duration_seconds\" WHERE \"operation\"='jobs'")
                        == 100 && influxValue(influx, "SELECT last(\"gauge\") FROM \"pulse_queue_depth\""
                        + " WHERE \"queue_name\"='outbox'") == 7);
                assertEquals(1, influxValue(influx, "SELECT last(\"gauge\") FROM \"pulse_agent_info\""));
                JsonNode services = influxQuery(influx, "SHOW TAG VALUES FROM \"pulse_agent_info\" WITH KEY = \"service\"");
                assertEquals(SERVICE, services.path(0).path(1).asText(), services.toString());
                assertEquals(80, influxValue(influx, "SELECT last(\"0.005\") FROM \"pulse_processing_duration_seconds\""
                        + " WHERE \"operation\"='jobs'"), 80, "a bucket's cumulative count is a field");

                // node_exporter serves the text file, and a reader never sees half of it.
                assertTextfileServedAndAlwaysWhole(textfile.resolve("target.prom"), nodePort);

                // InfluxDB stops: the newest points wait in the buffer, the oldest are dropped and counted.
                double failuresBefore = outputValue(port, "pulse_output_failures_total");
                long stoppedAt = System.currentTimeMillis();
                influxd.close();
                String outage = app.awaitScrape(port, "failed writes and dropped points while InfluxDB is down",
                        text -> Scrape.value(text, "pulse_output_failures_total", "output=\"influx\"")
                                >= failuresBefore + 2
                                && Scrape.value(text, "pulse_output_dropped_points_total", "output=\"influx\"") > 0);
                assertEquals(2000, Scrape.value(outage, "pulse_output_buffered_points", "output=\"influx\""), outage);
                long restartedAt = System.currentTimeMillis();
                influxd.start();
                long backAt = System.currentTimeMillis();
                String after = app.awaitScrape(port, "the buffer written after InfluxDB is back",
                        text -> Scrape.value(text, "pulse_output_buffered_points", "output=\"influx\"") == 0
                                && Scrape.value(text, "pulse_output_last_success_timestamp_seconds",
                                "output=\"influx\"") * 1000 > restartedAt);
                double dropped = Scrape.value(after, "pulse_output_dropped_points_total", "output=\"influx\"");
                assertTrue(dropped > 0, after);
                double duringOutage = influxValue(influx, "SELECT count(\"gauge\") FROM \"pulse_agent_info\""
                        + " WHERE time >= " + stoppedAt + "ms AND time <= " + backAt + "ms");
                assertTrue(duringOutage >= 1, "points scraped while InfluxDB was down arrived: " + duringOutage
                        + " between " + stoppedAt + " and " + backAt + "\n" + after);
                assertTrue(Scrape.value(after, "pulse_output_points_total", "output=\"influx\"") > 0, after);
            }
        }
    }

    private static void assertTextfileServedAndAlwaysWhole(Path file, int nodePort) throws Exception {
        await("node_exporter to serve the text file", () -> {
            String text = Daemon.get("http://127.0.0.1:" + nodePort + "/metrics").body();
            return Scrape.value(text, "pulse_processing_duration_seconds_count", "operation=\"jobs\"") == 100;
        });
        String whole = Files.readString(file);
        String firstLine = whole.substring(0, whole.indexOf('\n') + 1);
        String lastLine = whole.substring(whole.lastIndexOf('\n', whole.length() - 2) + 1);
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<String> partial = new AtomicReference<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        Thread reader = new Thread(() -> {
            while (System.nanoTime() < end && partial.get() == null) {
                try {
                    String text = Files.readString(file);
                    reads.incrementAndGet();
                    boolean complete = text.startsWith(firstLine) && text.endsWith("\n")
                            && text.contains("\n" + lastLine.substring(0, lastLine.indexOf(' ')));
                    if (!complete) {
                        partial.set(text);
                    }
                } catch (NoSuchFileException e) {
                    partial.set("(no file: the rename must replace it in one step)");
                } catch (IOException e) {
                    partial.set(e.toString());
                }
            }
        }, "textfile-reader");
        reader.start();
        int scrapes = 0;
        while (System.nanoTime() < end) {
            String text = Daemon.get("http://127.0.0.1:" + nodePort + "/metrics").body();
            assertEquals(0, Scrape.value(text, "node_textfile_scrape_error"), text);
            scrapes++;
        }
        reader.join();
        assertEquals(null, partial.get(), "a reader saw a partial file");
        assertTrue(reads.get() > 100 && scrapes > 5, reads + " reads, " + scrapes + " scrapes");
    }

    @Test
    void aJvmThatRunsTwoSecondsLeavesItsFinalCountsInThePushgateway(@TempDir Path folder) throws Exception {
        int gatewayPort = ForkedJvm.freePort();
        String gateway = "http://127.0.0.1:" + gatewayPort;
        try (Daemon pushgateway = Daemon.start(List.of(
                Executables.onPath("prometheus-pushgateway", "prometheus-pushgateway").toString(),
                "--web.listen-address=127.0.0.1:" + gatewayPort), folder.resolve("pushgateway.log"),
                gateway + "/-/ready")) {
            Path config = ForkedJvm.writeConfig(folder, "pulse.service=nightly", "pulse.http.port=0",
                    "pulse.sample.interval=1m", "pulse.timer.jobs=dev.pulse.it.apps.Jobs#process",
                    "pulse.pushgateway.url=" + gateway, "pulse.pushgateway.job=nightly-import");
            try (ForkedJvm app = ForkedJvm.app(config, "dev.pulse.it.apps.TargetApp", "--calls", "100",
                    "--hold-ms", "2000")) {
                assertEquals(0, app.awaitExit(), app.describe());
            }
            String pushed = Daemon.get(gateway + "/metrics").body();
            assertEquals(100, Scrape.value(pushed, "pulse_processing_duration_seconds_count", "job=\"nightly-import\"",
                    "operation=\"jobs\"", "service=\"nightly\""), pushed);
            assertTrue(Scrape.value(pushed, "push_time_seconds", "job=\"nightly-import\"") > 0, pushed);
        }
    }

    @Test
    void serversThatNeverAnswerDelayTheExitByAtMostTheDeadline(@TempDir Path folder) throws Exception {
        try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String silent = "http://127.0.0.1:" + blackHole.getLocalPort();
            Path config = ForkedJvm.writeConfig(folder, "pulse.http.port=0", "pulse.sample.interval=1m",
                    "pulse.influx.url=" + silent, "pulse.influx.db=pulse", "pulse.influx.timeout=30s",
                    "pulse.pushgateway.url=" + silent, "pulse.textfile.path=" + folder.resolve("x.prom"));
            try (ForkedJvm app = ForkedJvm.app(config, "dev.pulse.it.apps.TargetApp", "--calls", "1",
                    "--hold-ms", "300")) {
                app.awaitStdout("app: done");
                long done = System.nanoTime();
                assertEquals(0, app.awaitExit(), app.describe());
                long exitMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - done);
                // The outputs' last writes may take 3 s together; the rest is the JVM's own exit.
                assertTrue(exitMillis < 5000, "the exit took " + exitMillis + " ms after main returned");
                assertTrue(Files.exists(folder.resolve("x.prom")), "the text file had its last write");
            }
        }
    }

    private static double outputValue(int port, String name) throws Exception {
        double value = Scrape.value(ForkedJvm.scrape(port), name, "output=\"influx\"");
        return Double.isNaN(value) ? 0 : value;
    }

    /** The first value of an InfluxQL query's first series, NaN when it has none. */
    private static double influxValue(String influx, String query) throws Exception {
        JsonNode values = influxQuery(influx, query);
        return values.size() == 0 ? Double.NaN : values.path(0).path(1).asDouble(Double.NaN);
    }

    private static JsonNode influxQuery(String influx, String query) throws Exception {
        String body = Daemon.get(influx + "/query?db=pulse&epoch=ms&q="
                + URLEncoder.encode(query, StandardCharsets.UTF_8)).body();
        return JSON.readTree(body).path("results").path(0).path("series").path(0).path("values");
    }

    private static void await(String what, ThrowingCheck check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + (last == null ? "" : ": " + last));
    }

    private interface ThrowingCheck {
        boolean holds() throws Exception;
    }
}
