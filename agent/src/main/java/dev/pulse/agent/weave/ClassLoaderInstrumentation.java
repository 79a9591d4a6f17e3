package dev.pulse.agent.weave;

import net.bytebuddy.jar.asm.Opcodes;

/**
 * Lets every class loader see the bridge. A loader that delegates only {@code java.*} to its
 * parent (an OSGi bundle without boot delegation, a JBoss Modules module) would otherwise fail
 * to resolve {@code dev.pulse.agent.bridge.Bridge} from the code woven into its classes. Every
 * {@code loadClass(String)} and {@code loadClass(String, boolean)} a class loader declares is
 * woven so that names under the bridge package are answered by the bootstrap loader, where
 * {@code BootstrapBridge} put them, before the loader's own logic runs.
 *
 * <p>The woven code costs one {@code startsWith} on a constant for any other name, uses JDK types
 * only and asks the bootstrap loader directly, so it never loads a class through the loader it
 * sits in, takes no lock and cannot recurse; a name the bootstrap loader does not know, or any
 * failure, falls through to the loader's own logic (see {@link HookedMethod}).
 *
 * <p>The JDK's own loaders are left alone (the weaver ignores {@code java.*}, {@code jdk.*},
 * {@code sun.*}): they delegate to the bootstrap loader first. A loader that merely inherits
 * {@link ClassLoader#loadClass(String, boolean)} delegates to its parent first, which is woven in
 * turn if it filters.
 */
final class ClassLoaderInstrumentation {

    /** The bridge's package, with its dot: the only names the woven code answers. */
    static final String BRIDGE_PACKAGE = "dev.pulse.agent.bridge.";

    static final String CLASS_LOADER = "java/lang/ClassLoader";
    private static final String LOAD_CLASS_1 = "(Ljava/lang/String;)Ljava/lang/Class;";
    private static final String LOAD_CLASS_2 = "(Ljava/lang/String;Z)Ljava/lang/Class;";

    private ClassLoaderInstrumentation() {
    }

    /** True for {@code loadClass(String)} or {@code loadClass(String, boolean)} returning Class, not static. */
    static boolean isLoadClass(ClassShape.Member method) {
        return method.name.equals("loadClass") && !method.is(Opcodes.ACC_STATIC)
                && (method.descriptor.equals(LOAD_CLASS_1) || method.descriptor.equals(LOAD_CLASS_2));
    }

    /**
     * Adds the hook to each {@code loadClass} of {@code type} if it declares one and is a class
     * loader. The declared methods are looked at first, so only a class that declares a
     * {@code loadClass} has its superclasses read.
     */
    static void apply(ClassShape type, ClassLoader loader, SuperTypes superTypes, WovenMethods woven) {
        boolean declares = false;
        for (ClassShape.Member method : type.methods) {
            declares |= isLoadClass(method);
        }
        if (!declares || !superTypes.extendsClass(loader, type, CLASS_LOADER)) {
            return;
        }
        for (ClassShape.Member method : type.methods) {
            if (isLoadClass(method)) {
                woven.add(method, MethodHook.LOAD_CLASS);
            }
        }
    }
}
