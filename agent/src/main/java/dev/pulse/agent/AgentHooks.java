package dev.pulse.agent;

import dev.pulse.agent.bridge.Hooks;
import dev.pulse.agent.metrics.ProcessingMetrics;
import dev.pulse.agent.sample.QueueSampler;

/** Routes what the woven code reports to the timers and the queue sampler. */
final class AgentHooks implements Hooks {

    private final ProcessingMetrics timers;
    private final QueueSampler queues;

    AgentHooks(ProcessingMetrics timers, QueueSampler queues) {
        this.timers = timers;
        this.queues = queues;
    }

    @Override
    public long timerEnter(int timer) {
        return timers.enter(timer);
    }

    @Override
    public void timerExit(int timer, long token, Throwable thrown) {
        timers.exit(timer, token, thrown);
    }

    @Override
    public void instanceCreated(int source, Object instance) {
        queues.instanceCreated(source, instance);
    }

    @Override
    public void classInitialized(int source, Class<?> type) {
        queues.classInitialized(source, type);
    }
}
