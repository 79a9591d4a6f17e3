package dev.pulse.agent.weave;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.pulse.agent.AgentLog;
import dev.pulse.agent.bridge.Bridge;
import dev.pulse.agent.config.PulseConfig;
import dev.pulse.agent.config.QueueConfig;
import dev.pulse.agent.config.TimerConfig;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * The Byte Buddy side of the weaver: builds the transformer of every timer, queue holder and
 * pool class, unregistered ({@code makeRaw}) because {@link ClassNameGate} calls it, and
 * retransforms the loaded classes it wants. Only the weaver thread touches this class.
 */
final class ByteBuddyTransformer {

    /** Classes per retransformClasses call: one bad class fails its batch, which is then retried one by one. */
    private static final int BATCH = 50;

    /**
     * Byte Buddy's "safe" switch, under the relocated package name: it keeps Byte Buddy away from
     * sun.misc.Unsafe, which JDK 24+ warns about on the host's stderr. Pulse needs no Unsafe
     * injection: its advice is inlined and its bridge is already in the bootstrap loader.
     */
    private static final String SAFE_PROPERTY = ByteBuddy.class.getPackage().getName() + ".safe";

    private final ClassFileTransformer transformer;
    private final ElementMatcher<TypeDescription> woven;
    private final AtomicLong errors;

    ByteBuddyTransformer(PulseConfig config, List<String> poolClasses, Instrumentation instrumentation,
            AtomicLong transformed, AtomicLong errors) {
        this.errors = errors;
        ElementMatcher.Junction<TypeDescription> ignored = nameStartsWith("dev.pulse.agent.")
                .or(nameStartsWith("java.").and(not(namedOneOf(PoolClassNames.JDK_TYPES.toArray(new String[0])))))
                .or(nameStartsWith("jdk."))
                .or(nameStartsWith("sun."))
                .or(nameStartsWith("com.sun."))
                .or(isSynthetic());
        AgentBuilder builder = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(new Listener(transformed, errors))
                .ignore(ignored)
                .assureReadEdgeTo(instrumentation, Bridge.class);
        ElementMatcher.Junction<TypeDescription> any = none();
        List<TimerConfig> timers = config.timers();
        for (int id = 0; id < timers.size(); id++) {
            TimerInstrumentation timer = new TimerInstrumentation(id, timers.get(id));
            any = any.or(timer.types());
            builder = builder.type(timer.types())
                    .transform((b, type, loader, module, domain) -> b.visit(timer.advice()));
        }
        List<QueueConfig> queues = config.queues();
        for (int id = 0; id < queues.size(); id++) {
            QueueHolderInstrumentation holder = new QueueHolderInstrumentation(id, queues.get(id));
            any = any.or(holder.types());
            builder = builder.type(holder.types()).transform((b, type, loader, module, domain) -> {
                AsmVisitorWrapper advice = holder.adviceFor(type);
                if (advice == null) {
                    AgentLog.warn("pulse.queue." + holder.queue().name() + ": " + type.getName()
                            + " has no field \"" + holder.queue().field() + "\"; it is not sampled");
                    return b;
                }
                return b.visit(advice);
            });
        }
        if (config.pools()) {
            builder = PoolInstrumentation.install(builder, poolClasses);
            for (String name : PoolClassNames.all(poolClasses)) {
                any = any.or(named(name));
            }
        }
        this.transformer = builder.makeRaw();
        this.woven = not(ignored).and(any);
    }

    /** Sets the safe switch while Byte Buddy initializes, under a name no other code reads; returns the old value. */
    static String enterSafeMode() {
        return System.setProperty(SAFE_PROPERTY, "true");
    }

    static void leaveSafeMode(String previous) {
        if (previous == null) {
            System.clearProperty(SAFE_PROPERTY);
        } else {
            System.setProperty(SAFE_PROPERTY, previous);
        }
    }

    ClassFileTransformer transformer() {
        return transformer;
    }

    /**
     * Retransforms the loaded classes the transformer wants: those loaded before the agent, and
     * those loaded while it was being built (the gate let them through unless their name had to
     * wait). A second pass catches classes whose loading was under way during the first.
     */
    void retransformLoaded(Instrumentation instrumentation) {
        Set<Class<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int pass = 0; pass < 2; pass++) {
            List<Class<?>> wanted = new ArrayList<>();
            for (Class<?> type : instrumentation.getAllLoadedClasses()) {
                if (seen.add(type) && wants(instrumentation, type)) {
                    wanted.add(type);
                }
            }
            for (int from = 0; from < wanted.size(); from += BATCH) {
                retransform(instrumentation, wanted.subList(from, Math.min(from + BATCH, wanted.size())));
            }
        }
    }

    private boolean wants(Instrumentation instrumentation, Class<?> type) {
        try {
            return instrumentation.isModifiableClass(type) && woven.matches(TypeDescription.ForLoadedType.of(type));
        } catch (Throwable e) {
            // A type whose hierarchy cannot be resolved (a missing optional dependency) is not ours.
            return false;
        }
    }

    private void retransform(Instrumentation instrumentation, List<Class<?>> batch) {
        try {
            instrumentation.retransformClasses(batch.toArray(new Class<?>[0]));
        } catch (Throwable batchFailed) {
            for (Class<?> type : batch) {
                try {
                    instrumentation.retransformClasses(type);
                } catch (Throwable e) {
                    errors.incrementAndGet();
                    AgentLog.warn("could not retransform " + type.getName() + ", left unchanged: " + e);
                }
            }
        }
    }

    private static final class Listener extends AgentBuilder.Listener.Adapter {

        private final AtomicLong transformed;
        private final AtomicLong errors;

        Listener(AtomicLong transformed, AtomicLong errors) {
            this.transformed = transformed;
            this.errors = errors;
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                DynamicType dynamicType) {
            transformed.incrementAndGet();
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded,
                Throwable throwable) {
            errors.incrementAndGet();
            AgentLog.warn("could not weave " + typeName + ", left unchanged: " + throwable);
        }
    }
}
