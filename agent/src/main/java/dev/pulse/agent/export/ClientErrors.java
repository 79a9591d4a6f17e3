package dev.pulse.agent.export;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * What clients of the endpoint did that it refused or cut short, counted in
 * {@code pulse_http_client_errors_total{reason}} instead of written to the service's output:
 * a client's behaviour is never the service's log's business.
 */
final class ClientErrors {

    /** Why a request or connection was refused or closed. */
    enum Reason {
        /** A malformed request line or header field, an unsupported version or %-escape, a request body. */
        BAD_REQUEST,
        /** A head longer than {@link HttpRequest#MAX_HEAD_BYTES} or with too many fields. */
        HEADERS_TOO_LARGE,
        /** A connection whose request head (TLS handshake included) did not arrive within the deadline. */
        HEADER_TIMEOUT,
        /** A method other than GET and HEAD. */
        METHOD_NOT_ALLOWED,
        /** Missing or wrong credentials. */
        UNAUTHORIZED,
        /** No handler for the path. */
        NOT_FOUND,
        /** The client closed or reset the connection before its response was sent. */
        CLIENT_GONE,
        /** The client did not take its response within the deadline. */
        WRITE_TIMEOUT,
        /** A failed TLS handshake or record. */
        TLS_ERROR,
        /** The oldest connection, closed to make room under the connection limit. */
        CONNECTION_LIMIT,
        /** Answered 503: the endpoint's work queue was full. */
        OVERLOADED;

        final String label = name().toLowerCase(Locale.ROOT);
    }

    private final LongAdder[] counts = new LongAdder[Reason.values().length];
    private final CounterWithCallback counter;

    ClientErrors(Labels constLabels, PrometheusProperties properties) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
        this.counter = CounterWithCallback.builder(properties)
                .name("pulse_http_client_errors_total")
                .help("Requests and connections of the endpoint refused or cut short because of what the client"
                        + " did; never logged.")
                .labelNames("reason")
                .constLabels(constLabels)
                .callback(callback -> {
                    for (Reason reason : Reason.values()) {
                        callback.call(counts[reason.ordinal()].sum(), reason.label);
                    }
                })
                .build();
    }

    void register(PrometheusRegistry registry) {
        registry.register(counter);
    }

    void count(Reason reason) {
        counts[reason.ordinal()].increment();
    }

    long count(String label) {
        for (Reason reason : Reason.values()) {
            if (reason.label.equals(label)) {
                return counts[reason.ordinal()].sum();
            }
        }
        return 0;
    }
}
