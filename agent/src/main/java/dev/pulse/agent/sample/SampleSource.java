package dev.pulse.agent.sample;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/** A family of sampled things (the queues, the stall detector, the SQL gauges): its metrics and its reads. */
public interface SampleSource {

    void register(PrometheusRegistry registry);

    List<SampleTask> tasks();
}
