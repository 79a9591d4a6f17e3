package dev.pulse.agent.metrics;

import dev.pulse.agent.AgentLog;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.registry.PrometheusScrapeRequest;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.function.Predicate;

/**
 * The JVM's own figures (memory, GC, threads, classes, CPU, buffer pools, process) by
 * client_java's JVM instrumentation under its standard names, built on the first scrape rather
 * than at start-up: building them loads the JVM's management classes and their MXBeans, which a
 * JVM that is never scraped, or not yet, need not pay for. A JVM that lacks them loses these
 * families only, said once.
 */
public final class JvmMetricsOnDemand implements MultiCollector {

    private final PrometheusProperties properties;
    private final Labels labels;
    private final Object lock = new Object();
    /** The JVM metrics in a registry of their own; null until the first scrape. */
    private volatile PrometheusRegistry jvm;

    /** {@code labels}: the constant labels of every family (the service). */
    public JvmMetricsOnDemand(PrometheusProperties properties, Labels labels) {
        this.properties = properties;
        this.labels = labels;
    }

    @Override
    public MetricSnapshots collect() {
        return registry().scrape();
    }

    @Override
    public MetricSnapshots collect(PrometheusScrapeRequest request) {
        return registry().scrape(request);
    }

    @Override
    public MetricSnapshots collect(Predicate<String> includedNames) {
        return registry().scrape(includedNames);
    }

    @Override
    public MetricSnapshots collect(Predicate<String> includedNames, PrometheusScrapeRequest request) {
        return registry().scrape(includedNames, request);
    }

    private PrometheusRegistry registry() {
        PrometheusRegistry built = jvm;
        if (built != null) {
            return built;
        }
        synchronized (lock) {
            if (jvm == null) {
                PrometheusRegistry registry = new PrometheusRegistry();
                try {
                    JvmMetrics.builder(properties).constLabels(labels).register(registry);
                } catch (RuntimeException | LinkageError e) {
                    registry = new PrometheusRegistry();
                    AgentLog.warn("pulse.jvm: JVM metrics are not available in this JVM: " + e);
                }
                jvm = registry;
            }
            return jvm;
        }
    }
}
