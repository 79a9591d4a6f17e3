package dev.pulse.agent.export;

import com.sun.net.httpserver.HttpsConfigurator;
import dev.pulse.agent.config.PulseConfig;
import dev.pulse.agent.config.TlsConfig;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Serves {@code GET /metrics} (text, OpenMetrics or protobuf, gzip, name[] filter) and {@code /-/healthy},
 * over HTTPS when {@code pulse.http.tls.keystore} is set, behind Basic authentication when
 * {@code pulse.http.auth.user} is, and always behind a {@link RequestGuard}.
 */
public final class MetricsEndpoint implements AutoCloseable {

    /** The JDK's HTTP server reads its settings from these once; the exporter sets two of them. */
    private static final String SERVER_PROPERTIES = "sun.net.httpserver.";
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

    public static MetricsEndpoint start(PulseConfig config, PrometheusRegistry registry,
            PrometheusProperties properties) throws IOException, GeneralSecurityException {
        // The exporter sets sun.net.httpserver.maxReqTime and maxRspTime when they are unset, as
        // its class initializes, and Pulse sets nodelay where the service has not chosen a value:
        // the JDK server reads them once, as it starts, and the application then finds its
        // properties as it left them.
        Map<String, String> before = serverProperties();
        if (!before.containsKey(NO_DELAY_PROPERTY)) {
            System.setProperty(NO_DELAY_PROPERTY, "true");
        }
        try {
            return new MetricsEndpoint(builder(config, registry, properties).buildAndStart());
        } finally {
            restoreServerProperties(before);
        }
    }

    private static HTTPServer.Builder builder(PulseConfig config, PrometheusRegistry registry,
            PrometheusProperties properties) throws GeneralSecurityException {
        HTTPServer.Builder builder = HTTPServer.builder(properties)
                .hostname(config.httpHost())
                .port(config.httpPort())
                .registry(registry)
                .authenticator(new RequestGuard(config.authUser(), config.authPasswordHash()));
        if (config.tls() != null) {
            builder.httpsConfigurator(new HttpsConfigurator(sslContext(config.tls())));
        }
        return builder;
    }

    private static SSLContext sslContext(TlsConfig tls) throws GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(tls.keyStore(), tls.password());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static Map<String, String> serverProperties() {
        Map<String, String> found = new HashMap<>();
        Properties system = System.getProperties();
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith(SERVER_PROPERTIES)) {
                found.put(name, system.getProperty(name));
            }
        }
        return found;
    }

    private static void restoreServerProperties(Map<String, String> before) {
        for (String name : serverProperties().keySet()) {
            if (!before.containsKey(name)) {
                System.clearProperty(name);
            }
        }
        before.forEach(System::setProperty);
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
