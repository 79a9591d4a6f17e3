package dev.pulse.agent.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HistoryApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private HistoryApi api;

    @BeforeEach
    void record() {
        History history = new History(3_600_000, 5000);
        for (int i = 0; i < 10; i++) {
            history.record(MetricSnapshots.of(GaugeSnapshot.builder().name("pulse_queue_depth")
                    .dataPoint(point("jobs", i)).dataPoint(point("out\"box\n\\", 100 - i)).build()),
                    1_700_000_000_000L + 5000L * i);
        }
        api = new HistoryApi(history);
    }

    @Test
    void listsTheSeriesWithLabelsAndKinds() throws Exception {
        JsonNode series = ok("series", null).path("series");
        assertEquals(2, series.size());
        assertEquals("pulse_queue_depth", series.path(0).path("name").asText());
        assertEquals("gauge", series.path(0).path("type").asText());
        assertEquals("jobs", series.path(0).path("labels").path("queue_name").asText());
        assertEquals("out\"box\n\\", series.path(1).path("labels").path("queue_name").asText());
    }

    @Test
    void historyFiltersByLabelAndWindow() throws Exception {
        JsonNode body = ok("history", "name=pulse_queue_depth&window=15s&queue_name=jobs");
        assertEquals(5.0, body.path("step_seconds").asDouble());
        JsonNode points = body.path("series").path(0).path("points");
        assertEquals(1, body.path("series").size());
        assertEquals(4, points.size(), points.toString());
        assertEquals(1_700_000_030.0, points.path(0).path(0).asDouble());
        assertEquals(6, points.path(0).path(1).asDouble());
        assertEquals(9, points.path(3).path(1).asDouble());
    }

    @Test
    void aggregatesOverTheWindow() throws Exception {
        JsonNode body = ok("aggregates", "name=pulse_queue_depth&window=1h&queue_name=jobs");
        assertEquals(3600, body.path("window_seconds").asInt());
        JsonNode jobs = body.path("series").path(0);
        assertEquals(10, jobs.path("count").asInt());
        assertEquals(4.5, jobs.path("avg").asDouble(), 1e-12);
        assertEquals(0, jobs.path("min").asDouble());
        assertEquals(9, jobs.path("max").asDouble());
        assertEquals(9, jobs.path("p95").asDouble(), "nearest rank: the 10th of 10");
        assertEquals(9, jobs.path("last").asDouble());
        assertEquals(2, ok("aggregates", "name=pulse_queue_depth").path("series").size());
    }

    @Test
    void badParametersGet400AndAOneLineJsonError() throws Exception {
        assertError("history", "window=15m", "name: expected a series name, as /api/v1/series lists them");
        assertError("aggregates", "name=x&window=15", "window: expected a duration such as 30s, 15m or 1h, found \"15\"");
        assertError("history", "name=x&name=y", "name: expected once, found more than once");
        assertError("history", "name=%zz", "the query has a malformed %-escape");
        HistoryApi.Answer missing = api.answer("/api/v1/nothing", null);
        assertEquals(404, missing.status);
        assertTrue(JSON.readTree(missing.json).path("error").asText().startsWith("no such API"));
    }

    @Test
    void anUnknownSeriesHasNoPoints() throws Exception {
        assertEquals(0, ok("history", "name=nothing").path("series").size());
    }

    private JsonNode ok(String what, String query) throws Exception {
        HistoryApi.Answer answer = api.answer("/api/v1/" + what, query);
        assertEquals(200, answer.status, answer.json);
        return JSON.readTree(answer.json);
    }

    private void assertError(String what, String query, String message) throws Exception {
        HistoryApi.Answer answer = api.answer("/api/v1/" + what, query);
        assertEquals(400, answer.status);
        assertEquals(1, answer.json.split("\n").length);
        assertEquals(message, JSON.readTree(answer.json).path("error").asText());
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot point(String queue, double value) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("queue_name", queue)).value(value)
                .build();
    }
}
