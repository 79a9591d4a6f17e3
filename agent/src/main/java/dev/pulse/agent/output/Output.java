package dev.pulse.agent.output;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/** One place the agent writes its metrics to, driven by its own thread in {@link Outputs}. */
interface Output {

    /** The value of the {@code output} label: influx, textfile or pushgateway. */
    String name();

    /**
     * Writes one scrape taken at {@code nowMillis} (epoch milliseconds), giving up by
     * {@code deadlineNanos} ({@link System#nanoTime()}); {@code last} is the write at exit, which
     * tries even while the output would otherwise wait before retrying. Records what it wrote,
     * dropped and kept in its {@link OutputStats}.
     *
     * @throws Exception when the write failed; the caller counts and logs it
     */
    void write(MetricSnapshots scrape, long nowMillis, long deadlineNanos, boolean last) throws Exception;
}
