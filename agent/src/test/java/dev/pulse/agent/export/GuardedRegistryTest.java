package dev.pulse.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pulse.agent.LimitedLog;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GuardedRegistryTest {

    private final AtomicInteger faults = new AtomicInteger();
    private final List<String> lines = new ArrayList<>();
    private final GuardedRegistry registry = new GuardedRegistry(faults::incrementAndGet,
            new LimitedLog(Duration.ofMinutes(10), System::nanoTime, lines::add));

    @Test
    void aThrowingCollectorLeavesOutOnlyItsOwnFamilyCountedAndLoggedOnce() {
        registry.register(gauge("before"));
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
        registry.register(new MultiCollector() {
            @Override
            public MetricSnapshots collect() {
                throw new IllegalStateException("broken too");
            }

            @Override
            public List<String> getPrometheusNames() {
                return List.of("broken_a", "broken_b");
            }
        });
        registry.register(gauge("after"));
        assertEquals(List.of("after", "before"), names(registry.scrape()));
        assertEquals(List.of("after", "before"), names(registry.scrape(name -> true, null)));
        assertEquals(4, faults.get());
        assertEquals(List.of("scrape: broken: failed to collect, left out of the scrape:"
                + " java.lang.IllegalStateException: broken; counted in pulse_agent_errors_total{component=\"scrape\"}"
                + " (at most one line per source every 10 minutes)",
                "scrape: [broken_a, broken_b]: failed to collect, left out of the scrape:"
                + " java.lang.IllegalStateException: broken too; counted in"
                + " pulse_agent_errors_total{component=\"scrape\"} (at most one line per source every 10 minutes)"),
                lines);
    }

    @Test
    void aSecondFamilyOfOneNameIsLeftOutAndCounted() {
        registry.register(gauge("twice"));
        registry.register(new Collector() {
            @Override
            public MetricSnapshot collect() {
                return GaugeSnapshot.builder().name("twice").build();
            }
        });
        MetricSnapshots scraped = registry.scrape();
        assertEquals(List.of("twice"), names(scraped), "one of the two, whichever the registry collected first");
        assertEquals(1, faults.get());
    }

    @Test
    void aScrapeThatFailsAsAWholeIsCountedAndItsFailureCarriesNoStackTrace() {
        registry.register(gauge("one"));
        RuntimeException failure = assertThrows(RuntimeException.class, () -> registry.scrape(name -> {
            throw new IllegalStateException("broken filter");
        }, null));
        assertEquals(0, failure.getStackTrace().length);
        assertEquals("a metric failed to collect; counted in pulse_agent_errors_total{component=\"scrape\"}",
                failure.getMessage());
        assertEquals(1, faults.get());
    }

    private static Collector gauge(String name) {
        return new Collector() {
            @Override
            public MetricSnapshot collect() {
                return GaugeSnapshot.builder().name(name)
                        .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(1).build()).build();
            }

            @Override
            public String getPrometheusName() {
                return name;
            }
        };
    }

    private static List<String> names(MetricSnapshots snapshots) {
        return snapshots.stream().map(snapshot -> snapshot.getMetadata().getName()).sorted()
                .collect(Collectors.toList());
    }
}
