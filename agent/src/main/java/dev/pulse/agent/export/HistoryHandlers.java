package dev.pulse.agent.export;

import dev.pulse.agent.history.History;
import dev.pulse.agent.history.HistoryApi;
import dev.pulse.agent.history.PageAssets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The page at {@code /} (and what it loads) and the history's JSON API at {@code /api/v1/...},
 * behind the same authentication and TLS as {@code /metrics}. The page's files are answered on the
 * selector thread (they are bytes read once); an API answer is computed on the endpoint's worker.
 * Both are gzip-compressed for a client that accepts it.
 */
final class HistoryHandlers {

    static final String[] API_PATHS = {"series", "history", "aggregates"};
    static final String[] PAGE_PATHS = {"/", "/page.js", "/uplot/uPlot.iife.min.js", "/uplot/uPlot.min.css",
        "/uplot/LICENSE"};

    private HistoryHandlers() {
    }

    /** Adds the page's and the API's routes to {@code routes}; the API's work goes to {@code worker}. */
    static void addTo(Map<String, Handler> routes, History history, Worker worker, Runnable onOverload) {
        HistoryApi api = new HistoryApi(history);
        for (String path : PAGE_PATHS) {
            routes.put(path, (request, reply) -> {
                PageAssets.Asset asset = PageAssets.get(path);
                if (asset == null) {
                    reply.send(HttpResponse.text(404, "not in this agent jar\n", false));
                    return;
                }
                boolean gzip = acceptsGzip(request);
                HttpResponse.Builder response = HttpResponse.builder(200)
                        .header("Content-Type", asset.contentType)
                        .header("Cache-Control", "no-cache")
                        .header("Vary", "Accept-Encoding")
                        .body(gzip ? asset.gzipped : asset.plain);
                if (gzip) {
                    response.header("Content-Encoding", "gzip");
                }
                reply.send(response.build());
            });
        }
        for (String name : API_PATHS) {
            String path = HistoryApi.PREFIX + name;
            routes.put(path, (request, reply) -> {
                boolean queued = worker.offer(() -> {
                    HistoryApi.Answer answer = api.answer(path, request.rawQuery());
                    reply.send(json(answer.status, answer.json, acceptsGzip(request)));
                });
                if (!queued) {
                    onOverload.run();
                    reply.send(HttpResponse.text(503, "busy; try again\n", true));
                }
            });
        }
    }

    private static HttpResponse json(int status, String json, boolean gzip) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        HttpResponse.Builder response = HttpResponse.builder(status)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Cache-Control", "no-store")
                .header("Vary", "Accept-Encoding");
        if (gzip && body.length > 512) {
            ByteArrayOutputStream compressed = new ByteArrayOutputStream(body.length / 4 + 64);
            try (GZIPOutputStream out = new GZIPOutputStream(compressed)) {
                out.write(body);
            } catch (IOException cannotHappen) {
                return response.body(body).build();
            }
            return response.header("Content-Encoding", "gzip").body(compressed.toByteArray()).build();
        }
        return response.body(body).build();
    }

    private static boolean acceptsGzip(HttpRequest request) {
        for (String value : request.headers("Accept-Encoding")) {
            if (value.toLowerCase(java.util.Locale.ROOT).contains("gzip")) {
                return true;
            }
        }
        return false;
    }
}
