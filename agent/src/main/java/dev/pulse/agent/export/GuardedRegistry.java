package dev.pulse.agent.export;

import dev.pulse.agent.LimitedLog;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.MetricType;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.registry.PrometheusScrapeRequest;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The agent's registry. A collector that throws while collecting costs only its own families:
 * they are left out of that scrape, the fault is counted and logged (one line per family every
 * {@link LimitedLog#DEFAULT_PERIOD}), and the rest of the scrape is served. A scrape that still
 * fails as a whole must not put a stack trace in the HTTP answer, which the exporter would write:
 * it is counted, and fails with an exception that has only a message.
 */
public final class GuardedRegistry extends PrometheusRegistry {

    private final Runnable onFault;
    private final LimitedLog log;
    private final Map<Object, Object> guards = new ConcurrentHashMap<>();

    /** @param onFault counts one fault (a family left out, or a failed scrape) */
    public GuardedRegistry(Runnable onFault) {
        this(onFault, LimitedLog.warnings());
    }

    GuardedRegistry(Runnable onFault, LimitedLog log) {
        this.onFault = onFault;
        this.log = log;
    }

    @Override
    public void register(Collector collector) {
        GuardedCollector guard = new GuardedCollector(collector);
        super.register(guard);
        guards.put(collector, guard);
    }

    @Override
    public void register(MultiCollector collector) {
        GuardedMultiCollector guard = new GuardedMultiCollector(collector);
        super.register(guard);
        guards.put(collector, guard);
    }

    @Override
    public void unregister(Collector collector) {
        Object guard = guards.remove(collector);
        super.unregister(guard instanceof Collector ? (Collector) guard : collector);
    }

    @Override
    public void unregister(MultiCollector collector) {
        Object guard = guards.remove(collector);
        super.unregister(guard instanceof MultiCollector ? (MultiCollector) guard : collector);
    }

    @Override
    public void clear() {
        guards.clear();
        super.clear();
    }

    @Override
    public MetricSnapshots scrape(PrometheusScrapeRequest request) {
        try {
            return distinct(super.scrape(request));
        } catch (RuntimeException e) {
            throw failed();
        }
    }

    @Override
    public MetricSnapshots scrape(Predicate<String> includedNames, PrometheusScrapeRequest request) {
        try {
            return distinct(super.scrape(includedNames, request));
        } catch (RuntimeException e) {
            throw failed();
        }
    }

    /**
     * The families with the first of each name: two of one name would make the whole answer
     * invalid for Prometheus, so the later ones are left out and counted.
     */
    private MetricSnapshots distinct(MetricSnapshots snapshots) {
        Set<String> names = new HashSet<>();
        boolean duplicate = false;
        for (MetricSnapshot snapshot : snapshots) {
            duplicate |= !names.add(snapshot.getMetadata().getPrometheusName());
        }
        if (!duplicate) {
            return snapshots;
        }
        names.clear();
        MetricSnapshots.Builder kept = MetricSnapshots.builder();
        for (MetricSnapshot snapshot : snapshots) {
            if (names.add(snapshot.getMetadata().getPrometheusName())) {
                kept.metricSnapshot(snapshot);
            } else {
                collectFailed(snapshot.getMetadata().getPrometheusName(), "a second family of this name");
            }
        }
        return kept.build();
    }

    private RuntimeException failed() {
        onFault.run();
        return new ScrapeFailed();
    }

    private void collectFailed(String family, Object fault) {
        try {
            onFault.run();
            log.warn("scrape: " + family, "failed to collect, left out of the scrape: " + fault
                    + "; counted in pulse_agent_errors_total{component=\"scrape\"}");
        } catch (Throwable ignored) {
            // the scrape goes on
        }
    }

    /** Without a stack trace, so none reaches the response. */
    static final class ScrapeFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ScrapeFailed() {
            super("a metric failed to collect; counted in pulse_agent_errors_total{component=\"scrape\"}", null,
                    false, false);
        }
    }

    /** A collector whose failure to collect leaves its family out (null) instead of failing the scrape. */
    private final class GuardedCollector implements Collector {
        private final Collector collector;

        GuardedCollector(Collector collector) {
            this.collector = collector;
        }

        @Override
        public MetricSnapshot collect() {
            try {
                return collector.collect();
            } catch (RuntimeException | LinkageError e) {
                collectFailed(String.valueOf(collector.getPrometheusName()), e);
                return null;
            }
        }

        @Override
        public MetricSnapshot collect(PrometheusScrapeRequest request) {
            try {
                return collector.collect(request);
            } catch (RuntimeException | LinkageError e) {
                collectFailed(String.valueOf(collector.getPrometheusName()), e);
                return null;
            }
        }

        @Override
        public MetricSnapshot collect(Predicate<String> includedNames) {
            try {
                return collector.collect(includedNames);
            } catch (RuntimeException | LinkageError e) {
                collectFailed(String.valueOf(collector.getPrometheusName()), e);
                return null;
            }
        }

        @Override
        public MetricSnapshot collect(Predicate<String> includedNames, PrometheusScrapeRequest request) {
            try {
                return collector.collect(includedNames, request);
            } catch (RuntimeException | LinkageError e) {
                collectFailed(String.valueOf(collector.getPrometheusName()), e);
                return null;
            }
        }

        @Override
        public String getPrometheusName() {
            return collector.getPrometheusName();
        }

        @Override
        public MetricType getMetricType() {
            return collector.getMetricType();
        }

        @Override
        public Set<String> getLabelNames() {
            return collector.getLabelNames();
        }

        @Override
        public MetricMetadata getMetadata() {
            return collector.getMetadata();
        }
    }

    /** The same for a collector of several families: a failure leaves all of its families out. */
    private final class GuardedMultiCollector implements MultiCollector {
        private final MultiCollector collector;

        GuardedMultiCollector(MultiCollector collector) {
            this.collector = collector;
        }

        @Override
        public MetricSnapshots collect() {
            try {
                return collector.collect();
            } catch (RuntimeException | LinkageError e) {
                collectFailed(String.valueOf(collector.getPrometheusNames()), e);
                return MetricSnapshots.builder().build();
            }
        }

        @Override
        public MetricSnapshots collect(PrometheusScrapeRequest request) {
            try {
                return collector.collect(request);
            } catch (RuntimeException | LinkageError e) {
                collectFailed(String.valueOf(collector.getPrometheusNames()), e);
                return MetricSnapshots.builder().build();
            }
        }

        @Override
        public MetricSnapshots collect(Predicate<String> includedNames) {
            try {
                return collector.collect(includedNames);
            } catch (RuntimeException | LinkageError e) {
                collectFailed(String.valueOf(collector.getPrometheusNames()), e);
                return MetricSnapshots.builder().build();
            }
        }

        @Override
        public MetricSnapshots collect(Predicate<String> includedNames, PrometheusScrapeRequest request) {
            try {
                return collector.collect(includedNames, request);
            } catch (RuntimeException | LinkageError e) {
                collectFailed(String.valueOf(collector.getPrometheusNames()), e);
                return MetricSnapshots.builder().build();
            }
        }

        @Override
        public List<String> getPrometheusNames() {
            return collector.getPrometheusNames();
        }

        @Override
        public MetricType getMetricType(String prometheusName) {
            return collector.getMetricType(prometheusName);
        }

        @Override
        public Set<String> getLabelNames(String prometheusName) {
            return collector.getLabelNames(prometheusName);
        }

        @Override
        public MetricMetadata getMetadata(String prometheusName) {
            return collector.getMetadata(prometheusName);
        }
    }
}
