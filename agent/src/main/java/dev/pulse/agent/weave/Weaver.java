package dev.pulse.agent.weave;

import dev.pulse.agent.AgentLog;
import dev.pulse.agent.config.PulseConfig;
import dev.pulse.agent.config.QueueConfig;
import dev.pulse.agent.config.TimerConfig;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Installs the timers, queue-holder hooks and pool discovery the configuration names, without
 * making the service's start-up wait for Byte Buddy: premain registers {@link ClassNameGate}, and
 * the {@value #THREAD_NAME} thread builds the Byte Buddy transformer behind it, then retransforms
 * the loaded classes it wants (classes loaded before the agent, or while it was being built).
 *
 * <p>A class whose name a timer, queue or pool names exactly or by wildcard waits as it loads
 * until the transformer is ready, so its first calls and instances are seen. A {@code Name+}
 * timer's subtypes cannot be told by name: one loaded before the transformer is ready is woven
 * by the retransformation, and its calls before that are not timed.
 */
public final class Weaver {

    static final String THREAD_NAME = "pulse-weaver";

    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong transformed = new AtomicLong();

    /**
     * Registers the gate and starts the weaver thread, which runs {@code whenWoven} once the
     * loaded classes are retransformed (or weaving failed). Timer ids are the indexes in
     * config.timers(), source ids the indexes in config.queues(), pool kind ids the indexes in
     * {@code poolClasses}.
     */
    public void start(PulseConfig config, List<String> poolClasses, Instrumentation instrumentation,
            Runnable whenWoven) {
        ClassNameGate gate = new ClassNameGate(namesToWaitFor(config, poolClasses), ClassNameGate.WAIT);
        Thread thread = new Thread(() -> weave(config, poolClasses, instrumentation, gate, whenWoven), THREAD_NAME);
        thread.setDaemon(true);
        gate.weaverThread(thread);
        instrumentation.addTransformer(gate, true);
        thread.start();
    }

    static List<String> namesToWaitFor(PulseConfig config, List<String> poolClasses) {
        List<String> names = new ArrayList<>();
        for (TimerConfig timer : config.timers()) {
            if (!timer.type().subtypes()) {
                names.add(timer.type().name().text());
            }
        }
        for (QueueConfig queue : config.queues()) {
            names.add(queue.className());
        }
        if (config.pools()) {
            names.addAll(PoolClassNames.all(poolClasses));
        }
        return names;
    }

    private void weave(PulseConfig config, List<String> poolClasses, Instrumentation instrumentation,
            ClassNameGate gate, Runnable whenWoven) {
        ByteBuddyTransformer woven = null;
        String previous = ByteBuddyTransformer.enterSafeMode();
        try {
            try {
                woven = new ByteBuddyTransformer(config, poolClasses, instrumentation, transformed, errors);
            } finally {
                gate.open(woven == null ? null : woven.transformer());
            }
            woven.retransformLoaded(instrumentation);
        } catch (Throwable e) {
            errors.incrementAndGet();
            if (woven == null) {
                instrumentation.removeTransformer(gate);
            }
            AgentLog.error("could not weave, " + (woven == null ? "timers, queues and pools are not woven: "
                    : "classes loaded before the agent may be left unwoven: ") + e);
        } finally {
            ByteBuddyTransformer.leaveSafeMode(previous);
        }
        try {
            whenWoven.run();
        } catch (Throwable e) {
            AgentLog.error("could not start sampling: " + e);
        }
    }

    /** Types woven so far. */
    public long transformed() {
        return transformed.get();
    }

    /** Types that failed to weave; each was logged once and left as it was. */
    public long errors() {
        return errors.get();
    }
}
