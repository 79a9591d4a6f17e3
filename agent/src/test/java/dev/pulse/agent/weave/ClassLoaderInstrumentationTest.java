package dev.pulse.agent.weave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The loadClass hook woven into a loader that delegates only {@code java.*}, without an agent.
 * This JVM has no bridge in its bootstrap loader, so every name reaches the loader's own logic:
 * these tests show that the advice changes nothing for other names and never throws. That it
 * answers the bridge's names is shown by {@code IsolatedClassLoadersIT} in a real agent.
 */
class ClassLoaderInstrumentationTest {

    @Test
    void namesOutsideTheBridgePackageReachTheLoaderUnchanged() throws Exception {
        ClassLoader loader = woven();
        assertSame(String.class, loader.loadClass("java.lang.String"));
        ClassNotFoundException missing = assertThrows(ClassNotFoundException.class,
                () -> loader.loadClass("com.acme.Worker"));
        assertEquals("com.acme.Worker", missing.getMessage());
        assertEquals(List.of("java.lang.String", "com.acme.Worker"), asked(loader));
    }

    @Test
    void aBridgePackageNameTheBootstrapLoaderLacksFallsThroughWithTheLoadersOwnException() throws Exception {
        ClassLoader loader = woven();
        ClassNotFoundException missing = assertThrows(ClassNotFoundException.class,
                () -> loader.loadClass("dev.pulse.agent.bridge.Missing"));
        assertEquals("dev.pulse.agent.bridge.Missing", missing.getMessage());
        assertEquals(List.of("dev.pulse.agent.bridge.Missing"), asked(loader));
    }

    @Test
    void aNullNameReachesTheLoaderWithoutTheAdviceThrowing() throws Exception {
        ClassLoader loader = woven();
        assertThrows(ClassNotFoundException.class, () -> loader.loadClass(null));
        assertEquals(1, asked(loader).size());
    }

    @Test
    void bothLoadClassMethodsAreMatched() throws Exception {
        List<String> matched = new ArrayList<>();
        for (ClassShape.Member method : ClassShape.read(
                ClassLoader.getSystemResourceAsStream("java/lang/ClassLoader.class").readAllBytes()).methods) {
            if (ClassLoaderInstrumentation.isLoadClass(method)) {
                matched.add(method.key());
            }
        }
        assertEquals(2, matched.size(), matched.toString());
        assertTrue(matched.stream().allMatch(m -> m.startsWith("loadClass(Ljava/lang/String;")), matched.toString());
    }

    @Test
    void aLoaderIsFoundByItsSuperclassOnlyWhenItDeclaresLoadClass() throws Exception {
        WovenMethods woven = new WovenMethods();
        ClassLoaderInstrumentation.apply(WeaveSupport.shape(JavaOnly.class), getClass().getClassLoader(),
                new SuperTypes(), woven);
        assertEquals(java.util.Set.of("loadClass(Ljava/lang/String;Z)Ljava/lang/Class;"), woven.byMethod.keySet());
        WovenMethods none = new WovenMethods();
        ClassLoaderInstrumentation.apply(WeaveSupport.shape(NotALoader.class), getClass().getClassLoader(),
                new SuperTypes(), none);
        assertTrue(none.isEmpty());
    }

    /** Declares a loadClass of the same shape, but is no class loader. */
    public static class NotALoader {
        protected Class<?> loadClass(String name, boolean resolve) {
            return null;
        }
    }

    /** A copy of {@link JavaOnly} with the advice woven in, defined in a loader of its own. */
    private static ClassLoader woven() throws Exception {
        WovenMethods woven = new WovenMethods();
        ClassLoaderInstrumentation.apply(WeaveSupport.shape(JavaOnly.class),
                ClassLoaderInstrumentationTest.class.getClassLoader(), new SuperTypes(), woven);
        Class<?> type = WeaveSupport.load(JavaOnly.class, woven);
        return (ClassLoader) type.getConstructor().newInstance();
    }

    @SuppressWarnings("unchecked")
    private static List<String> asked(ClassLoader loader) throws ReflectiveOperationException {
        return (List<String>) loader.getClass().getDeclaredField("asked").get(loader);
    }

    /** Delegates java.* to the bootstrap loader and knows no other class; records what it was asked. */
    public static class JavaOnly extends ClassLoader {

        public final List<String> asked = new ArrayList<>();

        public JavaOnly() {
            super(null);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            asked.add(name);
            if (name != null && name.startsWith("java.")) {
                return Class.forName(name, false, null);
            }
            throw new ClassNotFoundException(name);
        }
    }
}
