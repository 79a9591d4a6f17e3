package dev.pulse.agent.history;

import dev.pulse.agent.AgentLog;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Records the registry into the {@link History} every sampling interval, on its own daemon thread
 * ({@code pulse-history}), so a slow collector delays only the history, never the sampler or the
 * endpoint. A pass that fails is skipped, said once, and the schedule goes on.
 */
public final class HistoryRecorder {

    static final String THREAD_NAME = "pulse-history";

    private HistoryRecorder() {
    }

    /** Starts recording {@code registry} into {@code history} every {@code interval}. */
    public static void start(History history, PrometheusRegistry registry, Duration interval) {
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread daemon = new Thread(runnable, THREAD_NAME);
            daemon.setDaemon(true);
            return daemon;
        });
        boolean[] warned = new boolean[1];
        thread.scheduleAtFixedRate(() -> {
            try {
                history.record(registry.scrape(), System.currentTimeMillis());
            } catch (Throwable e) {
                if (!warned[0]) {
                    warned[0] = true;
                    AgentLog.warn("history: a pass could not be recorded and was skipped (said once): " + e);
                }
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }
}
