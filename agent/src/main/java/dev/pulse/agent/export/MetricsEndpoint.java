package dev.pulse.agent.export;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;

/** Serves {@code GET /metrics} (text, OpenMetrics or protobuf, gzip, name[] filter) and {@code /-/healthy}. */
public final class MetricsEndpoint implements AutoCloseable {

    /**
     * The JDK HTTP server writes a response's headers and body in separate packets; with Nagle's
     * algorithm on, the body then waits for the client's delayed ACK, about 40 ms per scrape. The
     * server reads this switch once, when its first instance in the JVM is created.
     */
    static final String NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";

    private final HTTPServer server;

    private MetricsEndpoint(HTTPServer server) {
        this.server = server;
    }

    public static MetricsEndpoint start(String host, int port, PrometheusRegistry registry,
            PrometheusProperties properties) throws IOException {
        // Set only while the server is built, and only where the host has not chosen a value.
        boolean set = System.getProperty(NO_DELAY_PROPERTY) == null;
        if (set) {
            System.setProperty(NO_DELAY_PROPERTY, "true");
        }
        try {
            HTTPServer server = HTTPServer.builder(properties)
                    .hostname(host)
                    .port(port)
                    .registry(registry)
                    .buildAndStart();
            return new MetricsEndpoint(server);
        } finally {
            if (set) {
                System.clearProperty(NO_DELAY_PROPERTY);
            }
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
