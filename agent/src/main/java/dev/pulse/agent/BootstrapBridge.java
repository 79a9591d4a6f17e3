package dev.pulse.agent;

import dev.pulse.agent.bridge.Bridge;
import dev.pulse.agent.bridge.Hooks;
import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Puts the bridge classes into the bootstrap class loader, so that code woven into a class of
 * any loader resolves them: loaders that delegate to their parent find them there, and the
 * weaver makes every other loader answer the bridge's package from the bootstrap loader
 * ({@code weave.ClassLoaderInstrumentation}). Must run before anything touches {@link Bridge}:
 * this class names it only as a string until the injection is done.
 */
final class BootstrapBridge {

    private static final String[] CLASSES = {
        "dev.pulse.agent.bridge.Bridge",
        "dev.pulse.agent.bridge.Hooks",
        "dev.pulse.agent.bridge.Hooks$1",
    };

    private static final String INTERNAL_PACKAGE = "jdk.internal.misc";

    private BootstrapBridge() {
    }

    static void inject(Instrumentation instrumentation) throws IOException {
        if (alreadyInBootstrap()) {
            return;
        }
        Map<String, byte[]> types = new LinkedHashMap<>();
        for (String name : CLASSES) {
            try (InputStream in = BootstrapBridge.class.getClassLoader()
                    .getResourceAsStream(name.replace('.', '/') + ".class")) {
                if (in == null) {
                    throw new IOException("the agent jar has no " + name);
                }
                types.put(name, in.readAllBytes());
            }
        }
        if (defineInBootstrap(instrumentation, types)) {
            return;
        }
        // Fallback: appending a jar to the boot class path makes the JVM print a warning and
        // turns off class data sharing for the host's own classes.
        File jar = Files.createTempFile("pulse-bridge", ".jar").toFile();
        jar.deleteOnExit();
        try (JarOutputStream out = new JarOutputStream(new FileOutputStream(jar))) {
            for (Map.Entry<String, byte[]> type : types.entrySet()) {
                out.putNextEntry(new JarEntry(type.getKey().replace('.', '/') + ".class"));
                out.write(type.getValue());
                out.closeEntry();
            }
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar));
    }

    /**
     * Defines the classes in the bootstrap loader through the JDK's internal Unsafe, exported for
     * this purpose to the agent's module with the Instrumentation the JVM handed us
     * ({@code sun.misc.Unsafe}, which JDK 24+ warns about on stderr, is never used).
     */
    private static boolean defineInBootstrap(Instrumentation instrumentation, Map<String, byte[]> types) {
        try {
            Module javaBase = Object.class.getModule();
            Module agent = BootstrapBridge.class.getModule();
            instrumentation.redefineModule(javaBase, Set.of(), Map.of(INTERNAL_PACKAGE, Set.of(agent)), Map.of(),
                    Set.of(), Map.of());
            Class<?> unsafeType = Class.forName(INTERNAL_PACKAGE + ".Unsafe");
            Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
            Method define = unsafeType.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                    ClassLoader.class, ProtectionDomain.class);
            for (Map.Entry<String, byte[]> type : types.entrySet()) {
                byte[] bytes = type.getValue();
                define.invoke(unsafe, type.getKey(), bytes, 0, bytes.length, null, null);
            }
            return true;
        } catch (Throwable e) {
            return false;
        }
    }

    private static boolean alreadyInBootstrap() {
        try {
            Class.forName(CLASSES[0], false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Only to be called after {@link #inject}. */
    static boolean install(Hooks hooks) {
        return Bridge.install(hooks);
    }

}
