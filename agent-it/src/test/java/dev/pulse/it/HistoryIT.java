package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-memory history and its JSON API on a JVM whose numbers are known: a queue that holds 7,
 * and a timed method called in a loop. The aggregates are checked against what this test scraped
 * from /metrics itself at each interval.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private ForkedJvm app;
    private int port;
    private final List<double[]> scrapes = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path folder) throws Exception {
        port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder, "pulse.service=target", "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port, "pulse.sample.interval=500ms", "pulse.jvm=false",
                "pulse.timer.jobs=dev.pulse.it.apps.Jobs#process",
                "pulse.queue.outbox=dev.pulse.it.apps.Outbox#QUEUE");
        app = ForkedJvm.app(config, "dev.pulse.it.apps.TargetApp", "--calls", "10", "--hold-ms", "120000",
                "--loop");
        app.awaitStdout("app: ready");
        app.awaitScrape(port, "the outbox sampled", text ->
                Scrape.value(text, "pulse_queue_depth", "queue_name=\"outbox\"") == 7);
        // Scrape at each interval for a while: (time, count of calls).
        long end = System.currentTimeMillis() + 6000;
        while (System.currentTimeMillis() < end) {
            String text = ForkedJvm.scrape(port);
            scrapes.add(new double[] {System.currentTimeMillis() / 1000.0,
                    Scrape.value(text, "pulse_processing_duration_seconds_count", "operation=\"jobs\""),
                    Scrape.value(text, "pulse_queue_depth", "queue_name=\"outbox\"")});
            Thread.sleep(500);
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void listsEverySeriesWithItsKind() throws Exception {
        JsonNode series = get("/api/v1/series").path("series");
        List<String> names = new ArrayList<>();
        for (JsonNode one : series) {
            names.add(one.path("name").asText() + ":" + one.path("type").asText());
        }
        assertTrue(names.contains("pulse_queue_depth:gauge"), names.toString());
        assertTrue(names.contains("pulse_processing_duration_seconds_count:rate:rate"), names.toString());
        assertTrue(names.contains("pulse_processing_duration_seconds:p95:quantile"), names.toString());
        assertTrue(names.contains("pulse_processing_errors_total:rate:rate"), names.toString());
    }

    @Test
    void aGaugesAggregatesAreTheValuesScraped() throws Exception {
        JsonNode outbox = get("/api/v1/aggregates?name=pulse_queue_depth&window=5s&queue_name=outbox")
                .path("series").path(0);
        for (double[] scrape : scrapes) {
            assertEquals(7, scrape[2]);
        }
        assertEquals(7, outbox.path("min").asDouble());
        assertEquals(7, outbox.path("max").asDouble());
        assertEquals(7, outbox.path("avg").asDouble());
        assertEquals(7, outbox.path("p95").asDouble());
        assertEquals(7, outbox.path("last").asDouble());
        // A point every 500 ms, within the window's edges.
        assertTrue(outbox.path("count").asInt() >= 8 && outbox.path("count").asInt() <= 12, outbox.toString());
        assertEquals("target", outbox.path("labels").path("service").asText());
    }

    @Test
    void aCountersRateAveragesToTheIncreaseScrapedOverTheSameTime() throws Exception {
        JsonNode body = get("/api/v1/history?name=pulse_processing_duration_seconds_count:rate&window=1h"
                + "&operation=jobs");
        assertEquals(0.5, body.path("step_seconds").asDouble());
        JsonNode points = body.path("series").path(0).path("points");
        double first = scrapes.get(0)[0];
        double last = scrapes.get(scrapes.size() - 1)[0];
        double scrapedRate = (scrapes.get(scrapes.size() - 1)[1] - scrapes.get(0)[1]) / (last - first);
        double sum = 0;
        int count = 0;
        for (JsonNode point : points) {
            if (point.path(0).asDouble() >= first + 0.5 && point.path(0).asDouble() <= last) {
                sum += point.path(1).asDouble();
                count++;
            }
        }
        assertTrue(count >= 6, points.toString());
        double recordedRate = sum / count;
        assertTrue(scrapedRate > 20, "the loop calls about 200 times a second: " + scrapedRate);
        assertEquals(scrapedRate, recordedRate, scrapedRate * 0.25,
                "recorded " + recordedRate + "/s against scraped " + scrapedRate + "/s");
    }

    @Test
    void aBadParameterGets400AndAOneLineJsonError() throws Exception {
        HttpResponse<String> response = ForkedJvm.get(port, "/api/v1/aggregates?name=pulse_queue_depth&window=ten");
        assertEquals(400, response.statusCode());
        assertEquals("window: expected a duration such as 30s, 15m or 1h, found \"ten\"",
                JSON.readTree(response.body()).path("error").asText());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = ForkedJvm.get(port, path);
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }
}
