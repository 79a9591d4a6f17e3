package dev.pulse.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GuardedRegistryTest {

    @Test
    void aThrowingCollectorIsCountedAndTheFailureCarriesNoStackTrace() {
        AtomicInteger faults = new AtomicInteger();
        GuardedRegistry registry = new GuardedRegistry(faults::incrementAndGet);
        registry.register(new Collector() {
            @Override
            public MetricSnapshot collect() {
                throw new IllegalStateException("broken");
            }

            @Override
            public String getPrometheusName() {
                return "broken";
            }
        });
        RuntimeException failure = assertThrows(RuntimeException.class, () -> registry.scrape((io.prometheus.metrics.model.registry.PrometheusScrapeRequest) null));
        assertEquals(0, failure.getStackTrace().length);
        assertEquals("a metric failed to collect; counted in pulse_agent_errors_total{component=\"scrape\"}",
                failure.getMessage());
        assertThrows(RuntimeException.class, () -> registry.scrape(name -> true, null));
        assertEquals(2, faults.get());
    }
}
