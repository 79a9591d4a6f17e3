package dev.pulse.agent;

import dev.pulse.agent.sample.PoolLookup;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * A pool lookup whose {@link PoolLookup#names()} are the pools the agent exports now (the
 * {@code pool} labels of pulse_db_pool_size), for a lookup that does not list its own.
 */
final class PoolNamesFromMetrics {

    static final String FAMILY = "pulse_db_pool_size";

    private PoolNamesFromMetrics() {
    }

    static PoolLookup lookup(PoolLookup pools, PrometheusRegistry registry) {
        return new PoolLookup() {
            @Override
            public DataSource find(String name) {
                return pools.find(name);
            }

            @Override
            public boolean canLend(String name) {
                return pools.canLend(name);
            }

            @Override
            public List<String> names() {
                List<String> own = pools.names();
                return own.isEmpty() ? exported(registry) : own;
            }
        };
    }

    private static List<String> exported(PrometheusRegistry registry) {
        List<String> names = new ArrayList<>();
        for (MetricSnapshot family : registry.scrape(FAMILY::equals)) {
            for (DataPointSnapshot point : family.getDataPoints()) {
                String pool = point.getLabels().get("pool");
                if (pool != null && !names.contains(pool)) {
                    names.add(pool);
                }
            }
        }
        return names;
    }
}
