package dev.pulse.agent.export;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.registry.PrometheusScrapeRequest;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.function.Predicate;

/**
 * The agent's registry. A scrape that fails inside the agent (a collector that throws) must not
 * put a stack trace in the HTTP answer, which the exporter would write: it is counted, and fails
 * with an exception that has only a message.
 */
public final class GuardedRegistry extends PrometheusRegistry {

    private final Runnable onFault;

    public GuardedRegistry(Runnable onFault) {
        this.onFault = onFault;
    }

    @Override
    public MetricSnapshots scrape(PrometheusScrapeRequest request) {
        try {
            return super.scrape(request);
        } catch (RuntimeException e) {
            throw failed();
        }
    }

    @Override
    public MetricSnapshots scrape(Predicate<String> includedNames, PrometheusScrapeRequest request) {
        try {
            return super.scrape(includedNames, request);
        } catch (RuntimeException e) {
            throw failed();
        }
    }

    private RuntimeException failed() {
        onFault.run();
        return new ScrapeFailed();
    }

    /** Without a stack trace, so none reaches the response. */
    static final class ScrapeFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ScrapeFailed() {
            super("a metric failed to collect; counted in pulse_agent_errors_total{component=\"scrape\"}", null,
                    false, false);
        }
    }
}
