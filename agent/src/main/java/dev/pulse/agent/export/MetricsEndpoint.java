package dev.pulse.agent.export;

import dev.pulse.agent.config.PulseConfig;
import dev.pulse.agent.config.TlsConfig;
import dev.pulse.agent.history.History;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Serves {@code GET /metrics} (text, OpenMetrics or protobuf, gzip, name[] filter), {@code /-/healthy}
 * and, with a history, the page at {@code /} and its JSON API ({@link HistoryHandlers}),
 * over HTTPS when {@code pulse.http.tls.keystore} is set, behind Basic authentication when
 * {@code pulse.http.auth.user} is, and always behind a {@link RequestGuard}. The server is the
 * agent's own ({@link EndpointServer}): it changes no JVM-wide setting.
 *
 * <p>Threads: {@code pulse-endpoint-selector} (every connection), {@code pulse-endpoint-worker}
 * (renderings) and, with authentication, {@code pulse-endpoint-auth} (PBKDF2 checks).
 */
public final class MetricsEndpoint implements AutoCloseable {

    static final String METRICS_PATH = "/metrics";
    /** Renderings that may wait: distinct scrape requests (by Accept, gzip, query) queued at once. */
    static final int WORKER_QUEUE = 64;
    /** Credential checks that may wait; each costs one PBKDF2. */
    static final int AUTH_QUEUE = 16;
    private static final byte[] HEALTHY = "Exporter is healthy.\n".getBytes(StandardCharsets.UTF_8);

    private final EndpointServer server;
    private final Worker worker;
    private final Worker authWorker;

    private MetricsEndpoint(EndpointServer server, Worker worker, Worker authWorker) {
        this.server = server;
        this.worker = worker;
        this.authWorker = authWorker;
    }

    /**
     * Binds {@code pulse.http.host}:{@code pulse.http.port} and serves {@code registry} there, and
     * {@code history} (null for none: {@code pulse.history.duration=0}) as the page and its API;
     * registers {@code pulse_http_client_errors_total} in it.
     *
     * @throws IOException              the address cannot be bound
     * @throws GeneralSecurityException the keystore's key cannot serve TLS
     */
    public static MetricsEndpoint start(PulseConfig config, PrometheusRegistry registry,
            PrometheusProperties properties, History history) throws IOException, GeneralSecurityException {
        SSLContext tls = config.tls() == null ? null : sslContext(config.tls());
        ServerSocketChannel channel = EndpointServer.bind(new InetSocketAddress(config.httpHost(), config.httpPort()));
        ClientErrors errors = new ClientErrors(Labels.of("service", config.service()), properties);
        Worker worker = new Worker("pulse-endpoint-worker", WORKER_QUEUE);
        Worker authWorker = config.authUser() == null ? null : new Worker("pulse-endpoint-auth", AUTH_QUEUE);
        Map<String, Handler> routes = new LinkedHashMap<>();
        routes.put(METRICS_PATH, new ScrapeHandler(new PrometheusScrapeHandler(properties, registry), worker,
                () -> errors.count(ClientErrors.Reason.OVERLOADED)));
        if (history != null) {
            HistoryHandlers.addTo(routes, history, worker, () -> errors.count(ClientErrors.Reason.OVERLOADED));
        }
        routes.put(RequestGuard.HEALTH_PATH, (request, reply) -> reply.send(HttpResponse.builder(200)
                .header("Content-Type", "text/plain; charset=utf-8").body(HEALTHY).build()));
        try {
            EndpointServer server = new EndpointServer(channel, tls, routes, new RequestGuard(config.authUser(), config.authPasswordHash()), authWorker, errors,
                    "pulse-endpoint-selector");
            errors.register(registry);
            return new MetricsEndpoint(server, worker, authWorker);
        } catch (IOException | RuntimeException e) {
            channel.close();
            worker.close();
            if (authWorker != null) {
                authWorker.close();
            }
            throw e;
        }
    }

    private static SSLContext sslContext(TlsConfig tls) throws GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(tls.keyStore(), tls.password());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        worker.close();
        if (authWorker != null) {
            authWorker.close();
        }
    }
}
