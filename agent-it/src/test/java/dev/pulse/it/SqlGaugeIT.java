package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SQL gauges against a table with known rows, before and after the rows change. */
class SqlGaugeIT {

    private static double errors(String text) {
        double total = 0;
        for (String source : new String[] {"sql:jobs_by_status", "sql:oldest_ready"}) {
            double value = Scrape.value(text, "pulse_sampler_errors_total", "source=\"" + source + "\"");
            total += Double.isNaN(value) ? 0 : value;
        }
        return total;
    }

    @Test
    void gaugesMatchTheTable() throws Exception {
        int port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(Files.createTempDirectory("pulse-it"),
                "pulse.service=sql",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.sample.interval=200ms",
                "pulse.sql.jobs_by_status.query=SELECT status, COUNT(*) AS \"value\" FROM jobs GROUP BY status",
                "pulse.sql.jobs_by_status.metric=pulse_jobs",
                "pulse.sql.jobs_by_status.url=jdbc:h2:mem:jobs",
                "pulse.sql.oldest_ready.query=SELECT DATEDIFF('SECOND', MIN(queued_at), LOCALTIMESTAMP) AS \"value\""
                        + " FROM jobs WHERE status = 'ready'",
                "pulse.sql.oldest_ready.metric=pulse_jobs_oldest_ready_age_seconds",
                "pulse.sql.oldest_ready.url=jdbc:h2:mem:jobs",
                "pulse.metrics.max_series=5",
                "pulse.sql.per_job.query=SELECT id AS job, 1 AS \"value\" FROM jobs ORDER BY id",
                "pulse.sql.per_job.url=jdbc:h2:mem:jobs",
                "pulse.sql.by_owner.query=SELECT 'ops' AS owner_email, 1 AS \"value\"",
                "pulse.sql.by_owner.url=jdbc:h2:mem:jobs");
        try (ForkedJvm app = ForkedJvm.start(ForkedJvm.agentFlags(config), Map.of(),
                List.of("-cp", ForkedJvm.appsClasspathWith(org.h2.Driver.class), "dev.pulse.it.apps.SqlApp"))) {
            app.awaitStdout("app: phase 1");
            // Each gauge reads on its own schedule: wait until both have read the table once.
            String first = app.awaitScrape(port, "both gauges sampled",
                    text -> Scrape.value(text, "pulse_jobs", "status=\"ready\"") == 3
                            && !Double.isNaN(Scrape.value(text, "pulse_jobs_oldest_ready_age_seconds")));
            assertEquals(1, Scrape.value(first, "pulse_jobs", "status=\"running\""));
            assertEquals(5, Scrape.value(first, "pulse_jobs", "status=\"done\""));
            assertTrue(first.contains("pulse_jobs{service=\"sql\",status=\"ready\"} 3.0"), first);
            double oldest = Scrape.value(first, "pulse_jobs_oldest_ready_age_seconds");
            assertTrue(oldest >= 90 && oldest < 120, "oldest ready job " + oldest + " s");

            // 9 jobs, 5 series at most: 4 jobs, and the other 5 added up in one series.
            String capped = app.awaitScrape(port, "one job per series, capped",
                    text -> Scrape.value(text, "pulse_sql_per_job", "job=\"other\"") == 5);
            assertEquals(5, Scrape.samples(capped, "pulse_sql_per_job{").size(), capped);
            assertTrue(Scrape.value(capped, "pulse_series_overflow_total", "metric=\"pulse_sql_per_job\"") >= 5,
                    capped);
            // A label column named like personal data: nothing exported, one line, an error count.
            assertTrue(Scrape.samples(capped, "pulse_sql_by_owner{").isEmpty(), capped);
            assertTrue(Scrape.value(capped, "pulse_sampler_errors_total", "source=\"sql:by_owner\"") >= 1, capped);
            List<String> refused = app.agentLines().stream().filter(line -> line.contains("owner_email"))
                    .collect(java.util.stream.Collectors.toList());
            assertEquals(List.of("pulse: warning: sampling sql:by_owner: java.sql.SQLException: column"
                    + " \"owner_email\" cannot be a label: \"email\" suggests personal data, which a metrics endpoint"
                    + " must not export; counted in pulse_sampler_errors_total (at most one line per source every"
                    + " 10 minutes)"), refused);
            assertEquals(0, Scrape.value(capped, "pulse_sql_up", "gauge=\"by_owner\""), capped);
            assertEquals(1, Scrape.value(capped, "pulse_sql_up", "gauge=\"per_job\""), capped);

            app.awaitStdout("app: phase 2");
            // Each gauge reads on its own schedule: wait until both have seen the update.
            String second = app.awaitScrape(port, "the update seen by both gauges",
                    text -> Scrape.value(text, "pulse_jobs", "status=\"done\"") == 7
                            && Scrape.value(text, "pulse_jobs_oldest_ready_age_seconds") < 60);
            assertEquals(1, Scrape.value(second, "pulse_jobs", "status=\"ready\""));
            assertEquals(errors(first), errors(second), "once the table exists, every pass succeeds:\n" + second
                    + app.describe());
        }
    }
}
