package dev.pulse.agent.output;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code pulse.textfile.path}: the Prometheus text format, for node_exporter's textfile collector.
 * Each write goes to a hidden temporary file in the same folder (so on the same file system),
 * which is then renamed over the target in one atomic step: a reader sees the old file or the new
 * one, never half of one. node_exporter reads only {@code *.prom}, so it never reads the
 * temporary file.
 */
final class TextfileOutput implements Output {

    private final Path target;
    private final Path temporary;
    private final OutputStats stats;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    TextfileOutput(Path target, OutputStats stats) {
        this.target = target;
        this.temporary = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid()
                + ".tmp");
        this.stats = stats;
    }

    @Override
    public String name() {
        return "textfile";
    }

    @Override
    public void write(MetricSnapshots scrape, long nowMillis, long deadlineNanos, boolean last) throws IOException {
        try (OutputStream out = Files.newOutputStream(temporary)) {
            writer.write(out, scrape);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw new IOException("cannot write " + temporary + ": " + e.getMessage(), e);
        }
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw new IOException("cannot rename " + temporary + " to " + target + ": " + e.getMessage(), e);
        }
        stats.written(points(scrape), nowMillis);
    }

    static long points(MetricSnapshots scrape) {
        long points = 0;
        for (MetricSnapshot snapshot : scrape) {
            points += snapshot.getDataPoints().size();
        }
        return points;
    }
}
