package dev.pulse.agent;

import dev.pulse.agent.bridge.Hooks;
import dev.pulse.agent.metrics.ProcessingMetrics;
import dev.pulse.agent.pools.DbPools;
import dev.pulse.agent.pools.ExecutorPools;
import dev.pulse.agent.pools.ThreadDeaths;
import dev.pulse.agent.sample.QueueSampler;

/** Routes what the woven code reports to the timers, the queue sampler and the pools. */
final class AgentHooks implements Hooks {

    private final ProcessingMetrics timers;
    private final QueueSampler queues;
    private final DbPools dbPools;
    private final ExecutorPools executors;
    private final ThreadDeaths deaths;

    AgentHooks(ProcessingMetrics timers, QueueSampler queues, DbPools dbPools, ExecutorPools executors,
            ThreadDeaths deaths) {
        this.timers = timers;
        this.queues = queues;
        this.dbPools = dbPools;
        this.executors = executors;
        this.deaths = deaths;
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
    public long suspendEnter(int timer, Object continuation) {
        return timers.suspendEnter(timer, continuation);
    }

    @Override
    public void suspendExit(int timer, long token, Object continuation, Object returned, Throwable thrown) {
        timers.suspendExit(timer, token, continuation, returned, thrown);
    }

    @Override
    public void continuationResumed(Object continuation, Object result, boolean resultKnown) {
        timers.continuationResumed(continuation, result, resultKnown);
    }

    @Override
    public void instanceCreated(int source, Object instance) {
        queues.instanceCreated(source, instance);
    }

    @Override
    public void classInitialized(int source, Class<?> type) {
        queues.classInitialized(source, type);
    }

    @Override
    public void poolCreated(int kind, Object pool) {
        dbPools.created(kind, pool);
    }

    @Override
    public void executorCreated(Object executor) {
        executors.created(executor);
    }

    @Override
    public void executorOfKindCreated(int kind, Object executor) {
        executors.created(kind, executor);
    }

    @Override
    public void executorThreadCreated(Object executor, Thread thread) {
        executors.threadCreated(executor, thread);
    }

    @Override
    public void executorRejected(Object executor) {
        executors.rejected(executor);
    }

    @Override
    public void connectionAcquired(Object pool, long startNanos, Throwable thrown) {
        dbPools.acquired(pool, startNanos, thrown);
    }

    @Override
    public void threadDied(Thread thread, Throwable uncaught) {
        deaths.died(thread, uncaught);
    }

    @Override
    public void taskFailed(Object executor) {
        executors.taskFailed(executor);
    }
}
