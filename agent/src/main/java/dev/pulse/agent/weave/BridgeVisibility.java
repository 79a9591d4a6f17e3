package dev.pulse.agent.weave;

import dev.pulse.agent.AgentLog;
import dev.pulse.agent.bridge.Bridge;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.concurrent.atomic.AtomicLong;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;

/**
 * Keeps a class unwoven when its class loader cannot see the bridge, so that no advice in it
 * fails to link on every call. With {@link ClassLoaderInstrumentation} every loader that
 * overrides {@code loadClass} answers the bridge's names from the bootstrap loader; this is the
 * check for the loaders where that could not be done: a loader whose class no agent can weave
 * (a hidden class), or whose class failed to weave. Each class left unwoven is said in one line
 * naming the class and its loader, and counted as a weaving error.
 *
 * <p>The check runs once per woven class, at weave time, never on a call: it resolves
 * {@code dev.pulse.agent.bridge.Bridge} through the class's loader, as the JVM itself is about
 * to resolve the class's superclass through that loader on the same thread. A woven loader
 * answers from its advice without running its own code. The check is not repeated inside
 * itself, so a loader that loads one of its own woven classes while answering cannot recurse.
 */
final class BridgeVisibility extends ResettableClassFileTransformer.WithDelegation {

    private static final String BRIDGE = Bridge.class.getName();
    private static final ThreadLocal<boolean[]> CHECKING = ThreadLocal.withInitial(() -> new boolean[1]);

    private final AtomicLong errors;

    /** {@code errors}: the weaver's count of types left unwoven, which each class left here adds to. */
    BridgeVisibility(ResettableClassFileTransformer woven, AtomicLong errors) {
        super(woven);
        this.errors = errors;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
            ProtectionDomain domain, byte[] classFile) throws IllegalClassFormatException {
        return visible(classFileTransformer.transform(module, loader, internalName, redefined, domain, classFile),
                loader, internalName);
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, Class<?> redefined, ProtectionDomain domain,
            byte[] classFile) throws IllegalClassFormatException {
        return visible(classFileTransformer.transform(loader, internalName, redefined, domain, classFile), loader,
                internalName);
    }

    private byte[] visible(byte[] woven, ClassLoader loader, String internalName) {
        if (woven == null || loader == null) {
            return woven;
        }
        boolean[] checking = CHECKING.get();
        if (checking[0]) {
            return woven;
        }
        checking[0] = true;
        try {
            if (seesBridge(loader)) {
                return woven;
            }
        } finally {
            checking[0] = false;
        }
        errors.incrementAndGet();
        AgentLog.warn("not weaving " + (internalName == null ? "a class" : internalName.replace('/', '.'))
                + ": its class loader " + describe(loader) + " cannot see " + BRIDGE);
        return null;
    }

    /** True when {@code loader} resolves the bridge's name to the bootstrap loader's bridge. */
    static boolean seesBridge(ClassLoader loader) {
        try {
            return Class.forName(BRIDGE, false, loader) == Bridge.class;
        } catch (Throwable e) {
            return false;
        }
    }

    /** How a loader is named in a message, without calling any of its own methods. */
    static String describe(ClassLoader loader) {
        return loader.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(loader));
    }
}
