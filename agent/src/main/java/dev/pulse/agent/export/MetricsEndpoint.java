package dev.pulse.agent.export;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;

/** Serves {@code GET /metrics} (text, OpenMetrics or protobuf, gzip, name[] filter) and {@code /-/healthy}. */
public final class MetricsEndpoint implements AutoCloseable {

    private final HTTPServer server;

    private MetricsEndpoint(HTTPServer server) {
        this.server = server;
    }

    public static MetricsEndpoint start(String host, int port, PrometheusRegistry registry,
            PrometheusProperties properties) throws IOException {
        HTTPServer server = HTTPServer.builder(properties)
                .hostname(host)
                .port(port)
                .registry(registry)
                .buildAndStart();
        return new MetricsEndpoint(server);
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
