package dev.pulse.agent.history;

import io.prometheus.metrics.model.snapshots.Labels;
import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON API over the {@link History}:
 * <ul>
 *   <li>{@code /api/v1/series}: {@code {"series":[{"name":..,"labels":{..},"type":..}]}}</li>
 *   <li>{@code /api/v1/history?name=&window=15m[&label=value...]}:
 *       {@code {"step_seconds":5,"series":[{"name":..,"labels":{..},"points":[[<unix seconds>,<value>],...]}]}}</li>
 *   <li>{@code /api/v1/aggregates?name=&window=15m[&label=value...]}:
 *       {@code {"window_seconds":900,"series":[{"name":..,"labels":{..},"count":..,"avg":..,"min":..,"max":..,"p95":..,"last":..}]}}</li>
 * </ul>
 * A bad parameter gets 400 and {@code {"error":"<one line>"}}. The window defaults to the whole history.
 */
public final class HistoryApi {

    public static final String PREFIX = "/api/v1/";
    private static final Pattern WINDOW = Pattern.compile("([1-9][0-9]{0,8})(s|m|h)");

    private final History history;

    public HistoryApi(History history) {
        this.history = history;
    }

    /** An answer: its HTTP status and JSON body. */
    public static final class Answer {
        public final int status;
        public final String json;

        Answer(int status, String json) {
            this.status = status;
            this.json = json;
        }
    }

    /**
     * Answers a GET of {@code path} (under {@link #PREFIX}) with the raw query string {@code rawQuery}
     * (null for none).
     */
    public Answer answer(String path, String rawQuery) {
        Map<String, String> parameters;
        try {
            parameters = parse(rawQuery);
        } catch (IllegalArgumentException e) {
            return error(e.getMessage());
        }
        switch (path) {
            case PREFIX + "series":
                return new Answer(200, series());
            case PREFIX + "history":
            case PREFIX + "aggregates":
                String name = parameters.remove("name");
                if (name == null || name.isEmpty()) {
                    return error("name: expected a series name, as /api/v1/series lists them");
                }
                long window;
                try {
                    window = window(parameters.remove("window"));
                } catch (IllegalArgumentException e) {
                    return error(e.getMessage());
                }
                Predicate<Labels> filter = labels -> {
                    for (Map.Entry<String, String> wanted : parameters.entrySet()) {
                        if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
                            return false;
                        }
                    }
                    return true;
                };
                return new Answer(200, path.endsWith("history") ? history(history.points(name, window, filter))
                        : aggregates(history.summaries(name, window, filter), window));
            default:
                return new Answer(404, "{\"error\":\"no such API; try /api/v1/series, /api/v1/history or"
                        + " /api/v1/aggregates\"}");
        }
    }

    private String series() {
        StringBuilder out = new StringBuilder("{\"series\":[");
        boolean first = true;
        for (History.SeriesInfo series : history.series()) {
            out.append(first ? "" : ",");
            first = false;
            head(out, series).append(",\"type\":");
            Json.string(out, series.type).append('}');
        }
        return out.append("]}").toString();
    }

    private String history(List<History.Points> all) {
        StringBuilder out = new StringBuilder("{\"step_seconds\":");
        Json.number(out, history.stepMillis() / 1000.0).append(",\"series\":[");
        for (int s = 0; s < all.size(); s++) {
            History.Points points = all.get(s);
            head(out.append(s == 0 ? "" : ","), points.series).append(",\"points\":[");
            for (int i = 0; i < points.values.length; i++) {
                out.append(i == 0 ? "[" : ",[");
                Json.number(out, points.timesMillis[i] / 1000.0).append(',');
                Json.number(out, points.values[i]).append(']');
            }
            out.append("]}");
        }
        return out.append("]}").toString();
    }

    private static String aggregates(List<History.Summary> all, long windowMillis) {
        StringBuilder out = new StringBuilder("{\"window_seconds\":");
        Json.number(out, windowMillis / 1000.0).append(",\"series\":[");
        for (int s = 0; s < all.size(); s++) {
            History.Summary one = all.get(s);
            head(out.append(s == 0 ? "" : ","), one.series).append(",\"count\":").append(one.count);
            Json.number(out.append(",\"avg\":"), one.avg);
            Json.number(out.append(",\"min\":"), one.min);
            Json.number(out.append(",\"max\":"), one.max);
            Json.number(out.append(",\"p95\":"), one.p95);
            Json.number(out.append(",\"last\":"), one.last).append('}');
        }
        return out.append("]}").toString();
    }

    private static StringBuilder head(StringBuilder out, History.SeriesInfo series) {
        Json.string(out.append("{\"name\":"), series.name).append(",\"labels\":{");
        for (int i = 0; i < series.labels.size(); i++) {
            Json.string(out.append(i == 0 ? "" : ","), series.labels.getName(i)).append(':');
            Json.string(out, series.labels.getValue(i));
        }
        return out.append('}');
    }

    private long window(String text) {
        if (text == null) {
            return history.durationMillis();
        }
        Matcher matcher = WINDOW.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("window: expected a duration such as 30s, 15m or 1h, found \""
                    + text + "\"");
        }
        long amount = Long.parseLong(matcher.group(1));
        long unit = "s".equals(matcher.group(2)) ? 1000 : "m".equals(matcher.group(2)) ? 60_000 : 3_600_000;
        return amount * unit;
    }

    private static Map<String, String> parse(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            if (parameters.put(key, value) != null) {
                throw new IllegalArgumentException(key + ": expected once, found more than once");
            }
        }
        return parameters;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8.name());
        } catch (UnsupportedEncodingException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the query has a malformed %-escape");
        }
    }

    private static Answer error(String message) {
        return new Answer(400, Json.string(new StringBuilder("{\"error\":"), message).append('}').toString());
    }
}
