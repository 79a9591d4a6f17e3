package dev.pulse.agent.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineProtocolTest {

    private static final long T = 1_700_000_000_123L;

    @Test
    void countersGaugesAndInfoAreOneFieldEach() {
        MetricSnapshots scrape = MetricSnapshots.of(
                CounterSnapshot.builder().name("jobs").dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(Labels.of("service", "svc", "status", "done")).value(12).build()).build(),
                GaugeSnapshot.builder().name("queue_depth").dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(Labels.of("queue_name", "outbox")).value(2.5).build()).build(),
                InfoSnapshot.builder().name("agent").dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
                        .labels(Labels.of("version", "1.0")).build()).build());
        assertEquals(List.of(
                        "agent_info,version=1.0 gauge=1.0 " + T,
                        "jobs_total,service=svc,status=done counter=12.0 " + T,
                        "queue_depth,queue_name=outbox gauge=2.5 " + T),
                LineProtocol.lines(scrape, T));
    }

    @Test
    void aHistogramHasCountSumAndACumulativeFieldPerBucket() {
        MetricSnapshots scrape = MetricSnapshots.of(HistogramSnapshot.builder().name("duration_seconds")
                .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                        .labels(Labels.of("operation", "x"))
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(
                                new double[] {0.1, 1, Double.POSITIVE_INFINITY}, new long[] {3, 2, 1}))
                        .sum(4.25)
                        .build())
                .build());
        assertEquals(List.of("duration_seconds,operation=x count=6.0,sum=4.25,0.1=3.0,1=5.0,+Inf=6.0 " + T),
                LineProtocol.lines(scrape, T));
    }

    @Test
    void aSummaryHasCountSumAndAFieldPerQuantile() {
        MetricSnapshots scrape = MetricSnapshots.of(SummarySnapshot.builder().name("gc_seconds")
                .dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder()
                        .labels(Labels.of("gc", "G1 Young"))
                        .count(4).sum(0.5)
                        .quantiles(Quantiles.of(new Quantile(0.5, 0.1)))
                        .build())
                .build());
        assertEquals(List.of("gc_seconds,gc=G1\\ Young count=4.0,sum=0.5,0.5=0.1 " + T), LineProtocol.lines(scrape, T));
    }

    @Test
    void valuesLineProtocolCannotCarryAreLeftOutAndEmptyTagsOmitted() {
        MetricSnapshots scrape = MetricSnapshots.of(GaugeSnapshot.builder().name("g")
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("a", "x")).value(Double.NaN)
                        .build())
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("a", "")).value(1)
                        .build())
                .build());
        assertEquals(List.of("g gauge=1.0 " + T), LineProtocol.lines(scrape, T));
    }

    @Test
    void escapesSpacesCommasEqualsBackslashesAndNewlinesInTagsAndQuotesStayLiteral() {
        MetricSnapshots scrape = MetricSnapshots.of(GaugeSnapshot.builder().name("pulse_jobs")
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(Labels.of("status", "a b,c=d\\e\"f\ng")).value(1).build())
                .build());
        assertEquals(List.of("pulse_jobs,status=a\\ b\\,c\\=d\\\\e\"f\\ng gauge=1.0 " + T),
                LineProtocol.lines(scrape, T));
    }

    @Test
    void escapesAMeasurementsSpacesAndCommasButNotItsEqualsSigns() {
        StringBuilder out = new StringBuilder();
        LineProtocol.escape(out, "a b,c=d", false);
        assertEquals("a\\ b\\,c=d", out.toString());
    }
}
