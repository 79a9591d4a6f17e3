package dev.pulse.agent.sample;

import dev.pulse.agent.config.QueueConfig;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.List;

/**
 * The configured queues: receives their holders from the woven code (by source id) and exposes
 * the last sampled depth and capacity of each.
 */
public final class QueueSampler implements SampleSource {

    private final QueueSource[] queues;
    private final GaugeWithCallback depth;
    private final GaugeWithCallback capacity;

    public QueueSampler(List<QueueConfig> configs, Labels constLabels, PrometheusProperties properties) {
        this.queues = new QueueSource[configs.size()];
        for (int i = 0; i < queues.length; i++) {
            queues[i] = new QueueSource(configs.get(i).name(), configs.get(i).field());
        }
        this.depth = GaugeWithCallback.builder(properties)
                .name("pulse_queue_depth")
                .help("Sampled size of a configured queue (summed over the instances that hold it).")
                .labelNames("queue_name")
                .constLabels(constLabels)
                .callback(callback -> {
                    for (QueueSource queue : queues) {
                        QueueSource.Reading reading = queue.last();
                        if (reading != null) {
                            callback.call(reading.depth, queue.queueName());
                        }
                    }
                })
                .build();
        this.capacity = GaugeWithCallback.builder(properties)
                .name("pulse_queue_capacity")
                .help("Capacity of a configured queue, where it is bounded.")
                .labelNames("queue_name")
                .constLabels(constLabels)
                .callback(callback -> {
                    for (QueueSource queue : queues) {
                        QueueSource.Reading reading = queue.last();
                        if (reading != null && reading.bounded) {
                            callback.call(reading.capacity, queue.queueName());
                        }
                    }
                })
                .build();
    }

    @Override
    public void register(PrometheusRegistry registry) {
        registry.register(depth);
        registry.register(capacity);
    }

    @Override
    public List<SampleTask> tasks() {
        return List.of(queues);
    }

    public void instanceCreated(int source, Object instance) {
        queues[source].track(instance);
    }

    /** From the woven static initializer, when it has run to its end. */
    public void classInitialized(int source, Class<?> type) {
        queues[source].track(type);
    }

    /**
     * A class holding a static queue field, loaded before the agent: it is sampled once the
     * application has initialized it (see {@link ClassInitialization}), never initialized by the agent.
     */
    public void classLoadedBeforeAgent(int source, Class<?> type) {
        queues[source].trackLoaded(type);
    }
}
