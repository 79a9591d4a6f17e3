package dev.pulse.agent.weave;

import dev.pulse.agent.AgentLog;
import dev.pulse.agent.config.TimerConfig;
import dev.pulse.agent.sample.SampleSource;
import dev.pulse.agent.sample.SampleTask;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntConsumer;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * What each timer has woven so far. The first woven method of a timer is reported (its metrics
 * start then: an operation nothing matched exports no series, rather than a count of 0 that
 * reads as "never called"). A class the timer's class pattern names but none of whose methods
 * match is remembered, and if the timer still times nothing at a sampler pass two seconds or more
 * later, that is said once, naming the class's methods. The wait is because the JVM hands over
 * a subclass before its superclass and interfaces, whose methods may match when they arrive.
 */
final class TimerCoverage implements SampleSource, SampleTask {

    /**
     * How long after an unmatched class is seen the warning waits for the timer to weave
     * something, such as the superclass or interface that the JVM loads after the class.
     */
    static final long GRACE_NANOS = 2_000_000_000L;

    /** At most this many method names are listed in the warning. */
    static final int MAX_LISTED_METHODS = 30;

    private final List<TimerConfig> timers;
    private final IntConsumer firstWoven;
    private final boolean[] woven;
    /** Per timer, the first unmatched class seen while nothing was woven. */
    private final AtomicReferenceArray<String> unmatched;
    /** Per timer, when (nanoTime) the unmatched class was seen. */
    private final AtomicLongArray seenAt;
    /** Per timer, whether the warning was given. Sampler thread only. */
    private final boolean[] warned;

    TimerCoverage(List<TimerConfig> timers, IntConsumer firstWoven) {
        this.timers = timers;
        this.firstWoven = firstWoven;
        this.woven = new boolean[timers.size()];
        this.unmatched = new AtomicReferenceArray<>(timers.size());
        this.seenAt = new AtomicLongArray(timers.size());
        this.warned = new boolean[timers.size()];
    }

    /** A method of the timer was woven. Called while classes are transformed. */
    void woven(int timer) {
        boolean first;
        synchronized (woven) {
            first = !woven[timer];
            woven[timer] = true;
        }
        if (first) {
            firstWoven.accept(timer);
        }
    }

    /** A class the timer's class pattern names has no method its method patterns match. */
    void unmatched(int timer, ClassShape type) {
        if (isWoven(timer) || unmatched.get(timer) != null) {
            return;
        }
        Set<String> names = new LinkedHashSet<>();
        for (ClassShape.Member method : type.methods) {
            if (method.isMethod() && !method.is(Opcodes.ACC_SYNTHETIC | Opcodes.ACC_BRIDGE)) {
                names.add(method.name);
            }
        }
        String listed = names.isEmpty() ? "none" : String.join(", ", names.stream().limit(MAX_LISTED_METHODS)
                .toArray(String[]::new)) + (names.size() > MAX_LISTED_METHODS ? ", ..." : "");
        seenAt.set(timer, System.nanoTime());
        unmatched.compareAndSet(timer, null, type.className() + " (" + (type.isInterface() ? "an interface" : "a class")
                + ") has no concrete method matching \"" + String.join(",", methodTexts(timer)) + "\"; its methods: "
                + listed);
    }

    private List<String> methodTexts(int timer) {
        return timers.get(timer).methods().stream().map(Object::toString).collect(java.util.stream.Collectors.toList());
    }

    boolean isWoven(int timer) {
        synchronized (woven) {
            return woven[timer];
        }
    }

    @Override
    public void register(PrometheusRegistry registry) {
        // Nothing of its own: it decides when the timers' series start.
    }

    @Override
    public List<SampleTask> tasks() {
        return timers.isEmpty() ? List.of() : List.of(this);
    }

    @Override
    public String name() {
        return "timers";
    }

    @Override
    public void run(Errors errors) {
        for (int timer = 0; timer < timers.size(); timer++) {
            String what = unmatched.get(timer);
            if (what != null && !warned[timer] && !isWoven(timer)
                    && System.nanoTime() - seenAt.get(timer) >= GRACE_NANOS) {
                warned[timer] = true;
                AgentLog.warn("pulse.timer." + timers.get(timer).operation() + ": " + what
                        + "; nothing is timed for it yet, and it exports no series until a method matches");
            }
        }
    }
}
