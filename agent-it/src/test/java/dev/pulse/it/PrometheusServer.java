package dev.pulse.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) on a free loopback port, with its
 * own configuration and data directory under {@code folder}. {@link #close()} stops the process it
 * started and nothing else.
 */
final class PrometheusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private PrometheusServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts Prometheus scraping {@code target} (host:port) every second as job {@code job},
     * evaluating the rule files (already in {@code folder}) every second, and waits until it is ready.
     */
    static PrometheusServer start(Path folder, String job, String target, List<String> ruleFiles) throws Exception {
        Path config = folder.resolve("prometheus.yml");
        StringBuilder yaml = new StringBuilder()
                .append("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n")
                .append("rule_files:\n");
        for (String rules : ruleFiles) {
            yaml.append("  - ").append(rules).append('\n');
        }
        yaml.append("scrape_configs:\n  - job_name: ").append(job).append('\n')
                .append("    static_configs:\n      - targets: [\"").append(target).append("\"]\n");
        Files.writeString(config, yaml);
        int port = ForkedJvm.freePort();
        Path log = folder.resolve("prometheus.log");
        Process process = new ProcessBuilder(Executables.onPath("prometheus", "prometheus").toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + folder.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        PrometheusServer server = new PrometheusServer(process, port, log);
        try {
            server.awaitReady(Duration.ofSeconds(60));
        } catch (Throwable e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void awaitReady(Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("prometheus was not ready within " + wait + ":\n" + log());
    }

    /** The alerts Prometheus holds now, pending or firing: {@code data.alerts} of /api/v1/alerts. */
    JsonNode alerts() throws IOException, InterruptedException {
        return api("/api/v1/alerts").path("alerts");
    }

    /** An instant query's {@code data.result}. */
    JsonNode query(String expression) throws IOException, InterruptedException {
        return api("/api/v1/query?query=" + URLEncoder.encode(expression, StandardCharsets.UTF_8)).path("result");
    }

    private JsonNode api(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = get(path);
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new AssertionError("prometheus answered " + response.statusCode() + " to " + path + ": "
                    + response.body());
        }
        return body.path("data");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
