package dev.pulse.agent.sample;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;

/**
 * Tells whether a class has been initialized, without initializing it. Reading a static field by
 * reflection runs the class's static initializer on the reading thread; the agent must never do
 * that to an application class (if the initializer fails there, the service's own first use of
 * the class gets {@code NoClassDefFoundError}). No public API of Java 11..25 answers the question;
 * the JDK's internal {@code Unsafe.shouldBeInitialized} does, and the agent's Instrumentation
 * may export its package to the agent. Where that cannot be done, every answer is "not known to
 * be initialized", so the agent reads nothing it is unsure of.
 */
public final class ClassInitialization {

    private static final String INTERNAL_PACKAGE = "jdk.internal.misc";
    private static volatile MethodHandle shouldBeInitialized;

    private ClassInitialization() {
    }

    /**
     * Makes the check available; true when it is. Exports {@code jdk.internal.misc} to the agent's
     * module only, as the bootstrap bridge's injection does. Safe to call again.
     */
    public static boolean open(Instrumentation instrumentation) {
        if (shouldBeInitialized != null) {
            return true;
        }
        try {
            Module agent = ClassInitialization.class.getModule();
            instrumentation.redefineModule(Object.class.getModule(), Set.of(), Map.of(INTERNAL_PACKAGE, Set.of(agent)),
                    Map.of(), Set.of(), Map.of());
            Class<?> unsafeType = Class.forName(INTERNAL_PACKAGE + ".Unsafe", false, null);
            Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
            Method check = unsafeType.getMethod("shouldBeInitialized", Class.class);
            shouldBeInitialized = MethodHandles.lookup().unreflect(check).bindTo(unsafe);
            return true;
        } catch (Throwable e) {
            return false;
        }
    }

    /**
     * True when {@code type} is known to be fully initialized; false while it is not initialized,
     * being initialized, failed to initialize, or when this cannot be told. Never initializes it.
     */
    static boolean isInitialized(Class<?> type) {
        MethodHandle check = shouldBeInitialized;
        if (check == null) {
            return false;
        }
        try {
            return !(boolean) check.invokeExact(type);
        } catch (Throwable e) {
            return false;
        }
    }
}
