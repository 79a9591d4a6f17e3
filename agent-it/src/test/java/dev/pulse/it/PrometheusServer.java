package dev.pulse.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) on a free loopback port, with its
 * own configuration and data directory under {@code folder}. {@link #close()} stops the process it
 * started and nothing else.
 */
final class PrometheusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Daemon daemon;
    private final int port;

    private PrometheusServer(Daemon daemon, int port) {
        this.daemon = daemon;
        this.port = port;
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
        Daemon daemon = Daemon.start(List.of(Executables.onPath("prometheus", "prometheus").toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + folder.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn"), folder.resolve("prometheus.log"), "http://127.0.0.1:" + port + "/-/ready");
        return new PrometheusServer(daemon, port);
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
        return Daemon.get("http://127.0.0.1:" + port + path);
    }

    String log() {
        return daemon.log();
    }

    @Override
    public void close() throws InterruptedException {
        daemon.close();
    }
}
