package dev.pulse.agent.weave;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.pulse.agent.AgentLog;
import dev.pulse.agent.bridge.Bridge;
import dev.pulse.agent.config.PulseConfig;
import dev.pulse.agent.config.QueueConfig;
import dev.pulse.agent.config.TimerConfig;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import dev.pulse.agent.sample.SampleSource;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs the timers and queue-holder hooks the configuration names. Types are matched by name
 * first (cheap), and classes loaded before the agent are retransformed.
 */
public final class Weaver {

    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong transformed = new AtomicLong();
    private final ClassFiles classFiles = new ClassFiles();
    /** Timer, class and method of each method left out for its size, so each is named once. */
    private final Set<String> tooLargeNamed = ConcurrentHashMap.newKeySet();
    private static final String TIMER_KEY = "pulse.timer.";
    private volatile TimerCoverage coverage;
    /** Per class loader (held weakly; null for the bootstrap loader), the classes given a static initializer. */
    private final Map<ClassLoader, Set<String>> initializersAdded = new WeakHashMap<>();

    /**
     * Byte Buddy's "safe" switch, under the relocated package name: it keeps Byte Buddy away from
     * sun.misc.Unsafe, which JDK 24+ warns about on the host's stderr. Pulse needs no Unsafe
     * injection: its advice is inlined and its bridge is already in the bootstrap loader.
     */
    private static final String SAFE_PROPERTY = ByteBuddy.class.getPackage().getName() + ".safe";

    /**
     * Timer ids are the indexes in config.timers(), source ids the indexes in config.queues(),
     * pool kind ids the indexes in {@code poolClasses}.
     */
    public ClassFileTransformer install(PulseConfig config, List<String> poolClasses,
            Instrumentation instrumentation) {
        // Set only while Byte Buddy initializes, and under a name no other code reads.
        String previous = System.setProperty(SAFE_PROPERTY, "true");
        try {
            return build(config, poolClasses, instrumentation).installOn(instrumentation);
        } finally {
            if (previous == null) {
                System.clearProperty(SAFE_PROPERTY);
            } else {
                System.setProperty(SAFE_PROPERTY, previous);
            }
        }
    }

    private AgentBuilder build(PulseConfig config, List<String> poolClasses, Instrumentation instrumentation) {
        AgentBuilder builder = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(ClassLoaderInstrumentation.LOADERS_FIRST)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(new Listener())
                .ignore(nameStartsWith("dev.pulse.agent.")
                        .or(nameStartsWith("java.").and(not(namedOneOf(
                                PoolInstrumentation.JDK_TYPES.toArray(new String[0])))
                                .and(not(namedOneOf(FailureInstrumentation.JDK_TYPES.toArray(new String[0]))))))
                        .or(nameStartsWith("jdk."))
                        .or(nameStartsWith("sun."))
                        .or(nameStartsWith("com.sun."))
                        .or(isSynthetic()))
                .assureReadEdgeTo(instrumentation, Bridge.class);
        builder = builder.with(classFiles).with(new LoadedTypesFallback());
        builder = ClassLoaderInstrumentation.install(builder, errors);
        List<TimerConfig> timers = config.timers();
        TimerCoverage coverage = coverage(timers);
        for (int id = 0; id < timers.size(); id++) {
            TimerInstrumentation timer = new TimerInstrumentation(id, timers.get(id));
            builder = builder.type(timer.types())
                    .transform((b, type, loader, module, domain) -> weaveTimer(b, type, timer, coverage));
        }
        if (!timers.isEmpty()) {
            builder = SuspendInstrumentation.install(builder);
        }
        List<QueueConfig> queues = config.queues();
        for (int id = 0; id < queues.size(); id++) {
            QueueHolderInstrumentation holder = new QueueHolderInstrumentation(id, queues.get(id));
            builder = builder.type(holder.types()).transform((b, type, loader, module, domain) -> {
                AsmVisitorWrapper advice = holder.adviceFor(type);
                if (advice == null) {
                    AgentLog.warn("pulse.queue." + holder.queue().name() + ": " + type.getName()
                            + " has no field \"" + holder.queue().field() + "\"; it is not sampled");
                    return b;
                }
                return b.visit(advice);
            });
            // A static field in a class without a static initializer: give the class one to hear from,
            // when it is loaded, and again whenever it is retransformed, since a method may not go away.
            int sourceId = id;
            builder = builder.type((type, loader, module, redefined, domain) -> holder.needsTypeInitializer(type)
                    && (redefined == null || initializerAdded(loader, type.getName())))
                    .transform((b, type, loader, module, domain) -> {
                        addedInitializer(loader, type.getName());
                        return b.visit(new AddedTypeInitializer(sourceId));
                    });
        }
        if (config.pools()) {
            builder = PoolInstrumentation.install(builder, poolClasses);
            builder = FailureInstrumentation.install(builder);
        }
        return builder;
    }

    /**
     * Watches which timers weave something: {@code firstWoven} hears each timer's first woven
     * method (its series start then), and the returned source says once, on a sampler pass, when
     * a timer's class pattern named a class but nothing in it matched and nothing else did.
     * Call before {@link #install}.
     */
    public SampleSource watchCoverage(List<TimerConfig> timers, IntConsumer firstWoven) {
        coverage = new TimerCoverage(timers, firstWoven);
        return coverage;
    }

    private TimerCoverage coverage(List<TimerConfig> timers) {
        if (coverage == null) {
            coverage = new TimerCoverage(timers, timer -> { });
        }
        return coverage;
    }

    /**
     * Weaves the timer into the methods of {@code type} it matches, but those too large to take
     * its code, each named once; a class where nothing matches is reported to the coverage.
     */
    private DynamicType.Builder<?> weaveTimer(DynamicType.Builder<?> builder, TypeDescription type,
            TimerInstrumentation timer, TimerCoverage coverage) {
        MethodList<MethodDescription.InDefinedShape> matched = timer.matchedMethods(type);
        if (matched.isEmpty()) {
            if (!timer.declaresNamedMethod(type)) {
                coverage.unmatched(timer.timerId(), type);
            }
            return builder;
        }
        Map<String, Integer> large = ClassFiles.methodsLargerThan(classFiles.current(type.getName()),
                ClassFiles.MAX_WOVEN_CODE_BYTES);
        Set<String> excluded = new HashSet<>();
        for (MethodDescription method : matched) {
            String key = method.getInternalName() + method.getDescriptor();
            Integer size = large.get(key);
            if (size != null) {
                excluded.add(key);
                if (tooLargeNamed.add(timer.timerId() + " " + type.getName() + "." + key)) {
                    AgentLog.warn(TIMER_KEY + timer.timer().operation() + ": " + type.getName() + "." + key + " has "
                            + size + " bytes of bytecode, too large to take the timer's code within the JVM's limit of"
                            + " 65535; it is not timed (the other methods of its class are)");
                }
            }
        }
        if (excluded.size() == matched.size()) {
            return builder;
        }
        coverage.woven(timer.timerId());
        return builder.visit(excluded.isEmpty() ? timer.advice() : timer.adviceExcept(excluded));
    }

    private void addedInitializer(ClassLoader loader, String typeName) {
        synchronized (initializersAdded) {
            initializersAdded.computeIfAbsent(loader, key -> new HashSet<>()).add(typeName);
        }
    }

    private boolean initializerAdded(ClassLoader loader, String typeName) {
        synchronized (initializersAdded) {
            Set<String> names = initializersAdded.get(loader);
            return names != null && names.contains(typeName);
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

    private final class Listener extends AgentBuilder.Listener.Adapter {

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                DynamicType dynamicType) {
            transformed.incrementAndGet();
        }

        @Override
        public void onComplete(String typeName, ClassLoader loader, JavaModule module, boolean loaded) {
            classFiles.completed();
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded,
                Throwable throwable) {
            errors.incrementAndGet();
            AgentLog.warn("could not weave " + typeName + ", left unchanged: " + throwable);
        }
    }
}
