package dev.pulse.agent.weave;

import dev.pulse.agent.bridge.Bridge;

/**
 * Keeps a class unwoven when its class loader cannot see the bridge, so that no woven code in
 * it fails to link on every call. With {@link ClassLoaderInstrumentation} every loader that
 * overrides {@code loadClass} answers the bridge's names from the bootstrap loader; this is the
 * check for the loaders where that could not be done: a loader whose class no agent can weave
 * (a hidden class), or whose class failed to weave.
 *
 * <p>The check runs once per woven class, at weave time, never on a call: it resolves
 * {@code dev.pulse.agent.bridge.Bridge} through the class's loader, as the JVM itself is about
 * to resolve the class's superclass through that loader on the same thread. A woven loader
 * answers from its woven code without running its own. The weaver weaves nothing on a thread
 * while it weaves, so a loader that loads one of its own classes while answering cannot recurse.
 */
final class BridgeVisibility {

    private static final String BRIDGE = Bridge.class.getName();

    private BridgeVisibility() {
    }

    /** True when {@code loader} (null for the bootstrap loader) resolves the bridge's name to the bootstrap loader's bridge. */
    static boolean seesBridge(ClassLoader loader) {
        if (loader == null) {
            return true;
        }
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
