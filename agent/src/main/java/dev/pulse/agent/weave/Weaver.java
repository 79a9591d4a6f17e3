package dev.pulse.agent.weave;

import dev.pulse.agent.AgentLog;
import dev.pulse.agent.bridge.Bridge;
import dev.pulse.agent.config.PulseConfig;
import dev.pulse.agent.config.QueueConfig;
import dev.pulse.agent.config.TimerConfig;
import dev.pulse.agent.sample.SampleSource;
import dev.pulse.agent.sample.SampleTask;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.ref.WeakReference;
import java.security.ProtectionDomain;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodTooLargeException;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Installs the hooks the configuration asks for: timers, queue holders, pool discovery, the
 * failure hooks, the Kotlin resumption points and the class loaders' delegation to the bridge.
 *
 * <p>One plain {@link ClassFileTransformer}. Each class's name is tested first (the JDK's and the
 * agent's own packages are left alone but for the few JDK types woven on purpose); a class still
 * in question has its header and member tables read (no code), and only a class with something to
 * weave is rewritten, with the JDK's bundled-by-Byte-Buddy ASM, each hook written by
 * {@link HookedMethod}. Classes loaded before the agent that may be concerned are retransformed
 * once at install, class loaders first. A class that cannot be woven is left as it was and named
 * in one line. The JVM hands no class loaded while a class is being transformed to any
 * transformer: such a class that the weaving itself loaded (a super type generated in memory,
 * asked of its loader) is retransformed at the next sampler pass.
 */
public final class Weaver {

    /**
     * The largest method body the timer's code is woven into, in bytes. The JVM refuses a method
     * of more than 65,535 bytes of code; the hook adds a few dozen bytes per return and a few
     * dozen more, so methods above this are left alone, and the rest of their class is timed.
     */
    static final int MAX_WOVEN_CODE_BYTES = 65_535 - 4_096;
    private static final String TIMER_KEY = "pulse.timer.";

    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong transformed = new AtomicLong();
    /** Timer, class and method of each method left out for its size, so each is named once. */
    private final Set<String> tooLargeNamed = ConcurrentHashMap.newKeySet();
    private volatile TimerCoverage coverage;
    /** Per class loader (held weakly; null for the bootstrap loader), the classes given a static initializer. */
    private final Map<ClassLoader, Set<String>> initializersAdded = new WeakHashMap<>();
    private final Set<String> initializersAddedInBootstrap = ConcurrentHashMap.newKeySet();

    /** At most this many classes wait for their deferred weaving; more are left as they are, with one line. */
    static final int MAX_DEFERRED = 4096;
    private final Queue<WeakReference<Class<?>>> deferred = new ConcurrentLinkedQueue<>();
    private final AtomicInteger deferredCount = new AtomicInteger();
    private volatile Transformer installed;

    /**
     * Each class handed to {@link #loadedWhileWeaving}, once: the type pool asks for an in-memory
     * super type again for every subclass it reads, and such a type, if it was loaded long before,
     * needs no weaving at all; it is retransformed at most once.
     */
    private final ClassValue<AtomicBoolean> deferredOnce = new ClassValue<>() {
        @Override
        protected AtomicBoolean computeValue(Class<?> type) {
            return new AtomicBoolean();
        }
    };
    private final AtomicBoolean deferredOverflowSaid = new AtomicBoolean();

    /** A class loaded during a transformation by the weaving itself: it is woven at the next sampler pass. */
    private void loadedWhileWeaving(Class<?> type) {
        if (!deferredOnce.get(type).compareAndSet(false, true)) {
            return;
        }
        if (deferredCount.incrementAndGet() > MAX_DEFERRED) {
            deferredCount.decrementAndGet();
            if (deferredOverflowSaid.compareAndSet(false, true)) {
                AgentLog.warn("more than " + MAX_DEFERRED + " classes loaded while weaving wait to be woven; "
                        + type.getName() + " and later ones are left as they are");
            }
            return;
        }
        deferred.add(new WeakReference<>(type));
    }

    /** Retransforms the classes loaded while weaving that a rule may concern. Sampler thread. */
    private void weaveDeferred() {
        Transformer transformer = installed;
        if (transformer == null || deferred.isEmpty()) {
            return;
        }
        List<Class<?>> concerned = new ArrayList<>();
        WeakReference<Class<?>> next;
        while ((next = deferred.poll()) != null) {
            deferredCount.decrementAndGet();
            Class<?> type = next.get();
            if (type != null && transformer.mayConcern(type)) {
                concerned.add(type);
            }
        }
        transformer.retransform(concerned);
    }

    /**
     * Watches which timers weave something: {@code firstWoven} hears each timer's first woven
     * method (its series start then), and the returned source says once, on a sampler pass, when
     * a timer's class pattern named a class but nothing in it matched and nothing else did.
     * Call before {@link #install}.
     */
    public SampleSource watchCoverage(List<TimerConfig> timers, IntConsumer firstWoven) {
        coverage = new TimerCoverage(timers, firstWoven);
        TimerCoverage watched = coverage;
        SampleTask deferredWeaving = new SampleTask() {
            @Override
            public String name() {
                return "weaver";
            }

            @Override
            public void run(SampleTask.Errors errors) {
                weaveDeferred();
            }
        };
        return new SampleSource() {
            @Override
            public void register(PrometheusRegistry registry) {
                watched.register(registry);
            }

            @Override
            public List<SampleTask> tasks() {
                List<SampleTask> tasks = new ArrayList<>(watched.tasks());
                tasks.add(deferredWeaving);
                return tasks;
            }
        };
    }

    /**
     * Adds the transformer to {@code instrumentation} and retransforms the loaded classes it may
     * concern. Timer ids are the indexes in config.timers(), source ids the indexes in
     * config.queues(), pool kind ids the indexes in {@code poolClasses}.
     *
     * @return the transformer, already added
     */
    public ClassFileTransformer install(PulseConfig config, List<String> poolClasses,
            Instrumentation instrumentation) {
        if (coverage == null) {
            coverage = new TimerCoverage(config.timers(), timer -> { });
        }
        for (TimerConfig timer : config.timers()) {
            String name = timer.type().name().text();
            if (!timer.type().subtypes() && (name.startsWith("java.") || name.startsWith("jdk.")
                    || name.startsWith("sun.") || name.startsWith("com.sun."))) {
                AgentLog.warn(TIMER_KEY + timer.operation() + ": " + name + " is a JDK class, and the agent never"
                        + " weaves the JDK's own classes; nothing is timed for it (name a class of the service)");
            }
        }
        Transformer transformer = new Transformer(config, poolClasses, instrumentation);
        instrumentation.addTransformer(transformer, true);
        transformer.retransformLoaded();
        installed = transformer;
        return transformer;
    }

    /** The name every class loader's {@code loadClass} has in its class file's constant pool (ASCII). */
    private static final byte[] LOAD_CLASS = "loadClass".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** True if {@code text}'s bytes occur in {@code classFile}: a class file that declares a method has its name. */
    static boolean mentions(byte[] classFile, byte[] text) {
        byte first = text[0];
        int last = classFile.length - text.length;
        outer:
        for (int i = 0; i <= last; i++) {
            if (classFile[i] != first) {
                continue;
            }
            for (int j = 1; j < text.length; j++) {
                if (classFile[i + j] != text[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * The class file {@code reader} holds, with {@code woven}'s hooks: the hooked methods
     * rewritten, the others copied as they are. Loads nothing; the maximum stack and locals of
     * the hooked methods are computed, their stack map frames carried over and extended.
     */
    static byte[] rewrite(ClassReader reader, ClassShape shape, WovenMethods woven) {
        while (true) {
            ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
            reader.accept(new HookWeaver(writer, shape, woven), ClassReader.EXPAND_FRAMES);
            try {
                return writer.toByteArray();
            } catch (MethodTooLargeException tooLarge) {
                // Its returns took it past the limit: that method is left as it is, the rest woven.
                String key = tooLarge.getMethodName() + tooLarge.getDescriptor();
                if (woven.byMethod.remove(key) == null) {
                    throw tooLarge;
                }
                woven.tooLarge.add(key);
                if (woven.isEmpty()) {
                    return null;
                }
            }
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

    private void initializerAdded(ClassLoader loader, String name) {
        if (loader == null) {
            initializersAddedInBootstrap.add(name);
            return;
        }
        synchronized (initializersAdded) {
            initializersAdded.computeIfAbsent(loader, key -> new HashSet<>()).add(name);
        }
    }

    private boolean hadInitializerAdded(ClassLoader loader, String name) {
        if (loader == null) {
            return initializersAddedInBootstrap.contains(name);
        }
        synchronized (initializersAdded) {
            Set<String> names = initializersAdded.get(loader);
            return names != null && names.contains(name);
        }
    }

    private final class Transformer implements ClassFileTransformer {

        private final Instrumentation instrumentation;
        private final Module bridgeModule = Bridge.class.getModule();
        private final List<TimerInstrumentation> timers = new ArrayList<>();
        private final Map<String, List<QueueHolderInstrumentation>> queueHolders = new HashMap<>();
        private final PoolInstrumentation pools;
        private final Set<String> jdkTypes = new HashSet<>();
        /** Binary names of the classes woven by name: pool types, failure types, Kotlin's, queue holders. */
        private final Set<String> named = new HashSet<>();
        private final ThreadLocal<boolean[]> busy = ThreadLocal.withInitial(() -> new boolean[1]);
        private final SuperTypes superTypes = new SuperTypes(Weaver.this::loadedWhileWeaving);

        Transformer(PulseConfig config, List<String> poolClasses, Instrumentation instrumentation) {
            this.instrumentation = instrumentation;
            List<TimerConfig> timerConfigs = config.timers();
            for (int id = 0; id < timerConfigs.size(); id++) {
                timers.add(new TimerInstrumentation(id, timerConfigs.get(id)));
            }
            if (!timers.isEmpty()) {
                named.add(SuspendInstrumentation.BASE_CONTINUATION.replace('/', '.'));
                named.add(SuspendInstrumentation.DEBUG_PROBES.replace('/', '.'));
            }
            List<QueueConfig> queues = config.queues();
            for (int id = 0; id < queues.size(); id++) {
                QueueHolderInstrumentation holder = new QueueHolderInstrumentation(id, queues.get(id));
                queueHolders.computeIfAbsent(holder.internalName(), key -> new ArrayList<>()).add(holder);
                named.add(queues.get(id).className());
            }
            if (config.pools()) {
                pools = new PoolInstrumentation(poolClasses);
                named.addAll(pools.typeNames());
                named.addAll(FailureInstrumentation.JDK_TYPES);
                for (String type : PoolInstrumentation.JDK_TYPES) {
                    jdkTypes.add(type.replace('.', '/'));
                }
                for (String type : FailureInstrumentation.JDK_TYPES) {
                    jdkTypes.add(type.replace('.', '/'));
                }
            } else {
                pools = null;
            }
            for (String type : named) {
                if (type.startsWith("java.")) {
                    jdkTypes.add(type.replace('.', '/'));
                }
            }
        }

        /** The name gate: the agent's own classes and the JDK's are left alone, but the JDK types woven on purpose. */
        private boolean mayWeave(String internalName) {
            if (internalName.startsWith("dev/pulse/agent/")) {
                return false;
            }
            if (internalName.startsWith("java/")) {
                return jdkTypes.contains(internalName);
            }
            return !internalName.startsWith("jdk/") && !internalName.startsWith("sun/")
                    && !internalName.startsWith("com/sun/");
        }

        @Override
        public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
                ProtectionDomain domain, byte[] classFile) {
            if (internalName == null || classFile == null || !mayWeave(internalName)) {
                return null;
            }
            boolean[] weaving = busy.get();
            if (weaving[0]) {
                return null;
            }
            weaving[0] = true;
            try {
                return weave(module, loader, internalName, redefined, classFile);
            } catch (Throwable failed) {
                errors.incrementAndGet();
                AgentLog.warn("could not weave " + internalName.replace('/', '.') + ", left unchanged: " + failed);
                return null;
            } finally {
                weaving[0] = false;
            }
        }

        @Override
        public byte[] transform(ClassLoader loader, String internalName, Class<?> redefined, ProtectionDomain domain,
                byte[] classFile) {
            return transform(null, loader, internalName, redefined, domain, classFile);
        }

        private byte[] weave(Module module, ClassLoader loader, String internalName, Class<?> redefined,
                byte[] classFile) {
            String binaryName = internalName.replace('/', '.');
            if (!mayMatchByName(binaryName) && !mentions(classFile, LOAD_CLASS)) {
                // Nothing names it, and it cannot declare a loadClass: not even its header is read.
                return null;
            }
            ClassReader reader;
            try {
                reader = new ClassReader(classFile);
            } catch (IllegalArgumentException unreadable) {
                if (wanted(binaryName)) {
                    throw unreadable;
                }
                return null;
            }
            ClassShape shape = ClassShape.read(reader);
            if ((shape.access & Opcodes.ACC_SYNTHETIC) != 0 || (shape.access & Opcodes.ACC_MODULE) != 0) {
                return null;
            }
            WovenMethods woven = new WovenMethods();
            plan(binaryName, shape, loader, redefined, woven);
            if (woven.isEmpty()) {
                return null;
            }
            if (!BridgeVisibility.seesBridge(loader)) {
                errors.incrementAndGet();
                AgentLog.warn("not weaving " + binaryName + ": its class loader " + BridgeVisibility.describe(loader)
                        + " cannot see " + Bridge.class.getName());
                return null;
            }
            if (module != null && module.isNamed() && !module.canRead(bridgeModule)) {
                instrumentation.redefineModule(module, Set.of(bridgeModule), Map.of(), Map.of(), Set.of(), Map.of());
            }
            byte[] result = rewrite(reader, shape, woven);
            for (String method : woven.tooLarge) {
                if (tooLargeNamed.add(binaryName + "." + method)) {
                    AgentLog.warn(binaryName + "." + method + ": too large to take Pulse's code within the JVM's limit"
                            + " of 65535 bytes; it is left as it is (the other methods of its class are woven)");
                }
            }
            if (result == null) {
                return null;
            }
            if (woven.addedInitializer >= 0 && redefined == null) {
                initializerAdded(loader, internalName);
            }
            transformed.incrementAndGet();
            return result;
        }

        /** True for a class named by a pool, failure, Kotlin or queue rule, or that a timer may match. */
        private boolean mayMatchByName(String binaryName) {
            if (named.contains(binaryName)) {
                return true;
            }
            for (TimerInstrumentation timer : timers) {
                if (timer.mayMatchName(binaryName)) {
                    return true;
                }
            }
            return false;
        }

        /** True for a class the configuration names by name. */
        private boolean wanted(String binaryName) {
            if (named.contains(binaryName)) {
                return true;
            }
            for (TimerInstrumentation timer : timers) {
                if (!timer.timer().type().subtypes() && timer.mayMatchName(binaryName)) {
                    return true;
                }
            }
            return false;
        }

        private void plan(String binaryName, ClassShape shape, ClassLoader loader, Class<?> redefined,
                WovenMethods woven) {
            if (named.contains(binaryName)) {
                if (pools != null) {
                    pools.apply(binaryName, shape, woven);
                    FailureInstrumentation.apply(binaryName, shape, woven);
                }
                if (!timers.isEmpty()) {
                    SuspendInstrumentation.apply(shape, woven);
                }
                List<QueueHolderInstrumentation> holders = queueHolders.get(shape.name);
                if (holders != null) {
                    for (QueueHolderInstrumentation holder : holders) {
                        boolean mayAdd = redefined == null || hadInitializerAdded(loader, shape.name);
                        if (!holder.apply(shape, loader, superTypes, woven, mayAdd)) {
                            AgentLog.warn("pulse.queue." + holder.queue().name() + ": " + binaryName
                                    + " has no field \"" + holder.queue().field() + "\"; it is not sampled");
                        }
                    }
                }
            }
            // The JDK's classes are never timed, also those woven for pools and failures.
            for (TimerInstrumentation timer : shape.name.startsWith("java/") ? List.<TimerInstrumentation>of() : timers) {
                if (timer.mayMatchName(binaryName) && timer.typeMatches(shape, loader, superTypes)) {
                    weaveTimer(timer, shape, woven);
                }
            }
            ClassLoaderInstrumentation.apply(shape, loader, superTypes, woven);
        }

        /**
         * Adds the timer to the methods of {@code type} it matches, but those too large to take its
         * code, each named once; a class where nothing matches is reported to the coverage.
         */
        private void weaveTimer(TimerInstrumentation timer, ClassShape type, WovenMethods woven) {
            boolean any = false;
            boolean declared = false;
            for (ClassShape.Member method : type.methods) {
                if (!timer.times(method)) {
                    declared |= timer.named(method);
                    continue;
                }
                declared = true;
                if (method.codeLength > MAX_WOVEN_CODE_BYTES) {
                    if (tooLargeNamed.add(timer.timerId() + " " + type.name + "." + method.key())) {
                        AgentLog.warn(TIMER_KEY + timer.timer().operation() + ": " + type.className() + "."
                                + method.key() + " has " + method.codeLength + " bytes of bytecode, too large to take"
                                + " the timer's code within the JVM's limit of 65535; it is not timed (the other"
                                + " methods of its class are)");
                    }
                    continue;
                }
                woven.add(method, timer.hookFor(method));
                any = true;
            }
            if (any) {
                coverage.woven(timer.timerId());
            } else if (!declared) {
                coverage.unmatched(timer.timerId(), type);
            }
        }

        /**
         * Retransforms the loaded classes this transformer may weave, class loaders first: a class
         * that calls the bridge is only woven once its loader can see the bridge (see
         * {@link BridgeVisibility}), so its loader must have been woven before. Which classes is
         * decided from the loaded classes (names and super types, nothing initialized); the
         * transformer then decides from their class files.
         */
        void retransformLoaded() {
            List<Class<?>> loaders = new ArrayList<>();
            List<Class<?>> others = new ArrayList<>();
            for (Class<?> type : instrumentation.getAllLoadedClasses()) {
                try {
                    if (type.isArray() || type.isPrimitive() || !mayWeave(type.getName().replace('.', '/'))
                            || !instrumentation.isModifiableClass(type)) {
                        continue;
                    }
                    if (ClassLoader.class.isAssignableFrom(type)) {
                        loaders.add(type);
                    } else if (concernsByName(type)) {
                        others.add(type);
                    }
                } catch (Throwable unreadable) {
                    // A class whose super types cannot be read now is left as it is.
                }
            }
            retransform(loaders);
            retransform(others);
        }

        boolean mayConcern(Class<?> type) {
            if (!mayWeave(type.getName().replace('.', '/')) || !instrumentation.isModifiableClass(type)) {
                return false;
            }
            if (ClassLoader.class.isAssignableFrom(type)) {
                return true;
            }
            return concernsByName(type);
        }

        private boolean concernsByName(Class<?> type) {
            String name = type.getName();
            if (named.contains(name)) {
                return true;
            }
            for (TimerInstrumentation timer : timers) {
                if (!timer.timer().type().subtypes() ? timer.mayMatchName(name)
                        : loadedSuperTypeNamed(type, timer)) {
                    return true;
                }
            }
            return false;
        }

        private boolean loadedSuperTypeNamed(Class<?> type, TimerInstrumentation timer) {
            Deque<Class<?>> pending = new ArrayDeque<>();
            Set<Class<?>> seen = new HashSet<>();
            pending.add(type);
            while (!pending.isEmpty()) {
                Class<?> current = pending.poll();
                if (!seen.add(current)) {
                    continue;
                }
                if (timer.timer().type().name().matches(current.getName())) {
                    return true;
                }
                if (current.getSuperclass() != null) {
                    pending.add(current.getSuperclass());
                }
                pending.addAll(List.of(current.getInterfaces()));
            }
            return false;
        }

        /** All at once; if the JVM refuses the batch, one by one, so one class's failure spares the rest. */
        void retransform(List<Class<?>> types) {
            if (types.isEmpty()) {
                return;
            }
            try {
                instrumentation.retransformClasses(types.toArray(new Class<?>[0]));
                return;
            } catch (Throwable batchFailed) {
                // Below, one by one.
            }
            for (Class<?> type : types) {
                try {
                    instrumentation.retransformClasses(type);
                } catch (Throwable failed) {
                    errors.incrementAndGet();
                    AgentLog.warn("could not weave " + type.getName() + ", left unchanged: " + failed);
                }
            }
        }
    }
}
