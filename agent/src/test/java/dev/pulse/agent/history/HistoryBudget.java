package dev.pulse.agent.history;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * The history's budgets, measured (not a test: {@code scripts/bench.sh --only history} runs it):
 * 1,000 series kept for an hour at a 5 s interval (720 passes), each figure beside a baseline from
 * the same run: the heap the history holds against the raw doubles it stores, the CPU of recording
 * one pass as a share of a core at 5 s, the median time of {@code /api/v1/aggregates} over all
 * 1,000 series and the whole hour against summing the same doubles from a plain array, and the
 * compressed size of one chart's hour of {@code /api/v1/history}.
 */
public final class HistoryBudget {

    static final int SERIES = 1000;
    static final int PASSES = 720;
    static final long STEP_MILLIS = 5000;
    static final int VARIANTS = 16;

    private HistoryBudget() {
    }

    public static void main(String[] args) throws Exception {
        // 500 gauges and 500 counters, in one family each, as a service's queues and pools would be.
        MetricSnapshots[] scrapes = new MetricSnapshots[VARIANTS];
        for (int v = 0; v < VARIANTS; v++) {
            GaugeSnapshot.Builder gauges = GaugeSnapshot.builder().name("bench_depth");
            CounterSnapshot.Builder counters = CounterSnapshot.builder().name("bench_calls");
            for (int i = 0; i < SERIES / 2; i++) {
                Labels labels = Labels.of("queue_name", "q" + i, "service", "bench");
                gauges.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(i + v).build());
                counters.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels)
                        .value(1000.0 * v + i).build());
            }
            scrapes[v] = MetricSnapshots.of(gauges.build(), counters.build());
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long heapBefore = usedHeap();
        History history = new History(3_600_000, STEP_MILLIS);
        long cpuStart = threads.getCurrentThreadCpuTime();
        for (int pass = 0; pass < PASSES; pass++) {
            history.record(scrapes[pass % VARIANTS], 1_700_000_000_000L + pass * STEP_MILLIS);
        }
        long warmCpu = threads.getCurrentThreadCpuTime() - cpuStart;
        long heapAfter = usedHeap();
        // A second hour, once warm: the recording cost that stays.
        cpuStart = threads.getCurrentThreadCpuTime();
        for (int pass = PASSES; pass < 2 * PASSES; pass++) {
            history.record(scrapes[pass % VARIANTS], 1_700_000_000_000L + pass * STEP_MILLIS);
        }
        long steadyCpu = threads.getCurrentThreadCpuTime() - cpuStart;

        HistoryApi api = new HistoryApi(history);
        long[] aggregates = new long[60];
        for (int i = -20; i < aggregates.length; i++) {
            long start = System.nanoTime();
            api.answer("/api/v1/aggregates", "name=bench_depth&window=1h");
            api.answer("/api/v1/aggregates", "name=bench_calls_total:rate&window=1h");
            if (i >= 0) {
                aggregates[i] = System.nanoTime() - start;
            }
        }
        double[][] raw = new double[SERIES][PASSES];
        for (double[] series : raw) {
            Arrays.fill(series, 1.5);
        }
        long[] floor = new long[60];
        double sink = 0;
        for (int i = -20; i < floor.length; i++) {
            long start = System.nanoTime();
            for (double[] series : raw) {
                double sum = 0;
                double min = Double.MAX_VALUE;
                double max = -Double.MAX_VALUE;
                for (double value : series) {
                    sum += value;
                    min = Math.min(min, value);
                    max = Math.max(max, value);
                }
                double[] sorted = series.clone();
                Arrays.sort(sorted);
                sink += sum + min + max + sorted[sorted.length - 1];
            }
            if (i >= 0) {
                floor[i] = System.nanoTime() - start;
            }
        }
        String chart = api.answer("/api/v1/history", "name=bench_depth&window=1h&queue_name=q1").json;
        int chartGzip = gzipSize(chart);

        double heapMb = (heapAfter - heapBefore) / 1e6;
        double rawMb = SERIES * (double) PASSES * Double.BYTES / 1e6;
        double perPassMs = steadyCpu / 1e6 / PASSES;
        double shareAt5s = perPassMs / STEP_MILLIS * 100;
        double aggregatesMs = median(aggregates) / 1e6;
        double floorMs = median(floor) / 1e6;
        print("history heap, 1,000 series x 1 h at 5 s", mb(heapMb), "raw doubles " + mb(rawMb),
                ratio(heapMb / rawMb), heapMb <= 20 ? "<= 20 MB: met" : "<= 20 MB: not met");
        print("recording one pass of 1,000 series (CPU)", ms(perPassMs), "first hour " + ms(warmCpu / 1e6 / PASSES),
                "", "");
        print("recording at a 5 s interval", String.format(Locale.ROOT, "%.4f %%", shareAt5s), "0.05 %",
                ratio(shareAt5s / 0.05), shareAt5s < 0.05 ? "< 0.05% of a core: met" : "< 0.05% of a core: not met");
        print("/api/v1/aggregates, 1,000 series x 1 h, median", ms(aggregatesMs), "plain arrays " + ms(floorMs),
                ratio(aggregatesMs / floorMs), aggregatesMs < 10 ? "< 10 ms: met" : "< 10 ms: not met");
        print("/api/v1/history, one series x 1 h, gzip", chartGzip + " B", "raw " + chart.length() + " B", "", "");
        if (sink == 42) {
            System.out.println();
        }
    }

    private static long usedHeap() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static int gzipSize(String text) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.size();
    }

    private static void print(String figure, String value, String baseline, String ratio, String target) {
        System.out.printf(Locale.ROOT, "%-46s %-12s %-24s %-8s %s%n", figure, value, baseline, ratio, target);
    }

    private static String mb(double mb) {
        return String.format(Locale.ROOT, "%.1f MB", mb);
    }

    private static String ms(double ms) {
        return String.format(Locale.ROOT, "%.3f ms", ms);
    }

    private static String ratio(double ratio) {
        return String.format(Locale.ROOT, "%.2fx", ratio);
    }
}
