package dev.pulse.agent.weave;

import dev.pulse.agent.config.NamePattern;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The super types and fields of the types a class being woven refers to, for {@code Name+},
 * for finding class loaders and for a queue field declared in a superclass. A type is read from
 * the class file its class loader shows ({@code getResourceAsStream}), or, for a type generated in
 * memory whose file no loader shows, from the loaded class, asked for without initializing it,
 * which is what the JVM itself asks that loader for when it defines the class being woven (the
 * JVM hands no class loaded during a transformation to a transformer, so such a type is
 * reported, and woven later by retransformation). A type
 * found neither way means the JVM will refuse the class at hand: the answer is then "no" for that
 * branch, without an error.
 *
 * <p>What was found is kept per class loader (held weakly; {@code java.*} types once for all), as
 * names only.
 */
final class SuperTypes {

    /** One type: internal names of its superclass (null for Object and interfaces' none) and interfaces. */
    static final class Shape {
        final String superName;
        final String[] interfaces;
        /** Declared field names, each prefixed with "s:" when static and "i:" otherwise. */
        final Set<String> fields;

        Shape(String superName, String[] interfaces, Set<String> fields) {
            this.superName = superName;
            this.interfaces = interfaces;
            this.fields = fields;
        }
    }

    private static final Shape MISSING = new Shape(null, new String[0], Set.of());

    private final Map<String, Shape> jdk = new ConcurrentHashMap<>();
    private final Map<ClassLoader, Map<String, Shape>> byLoader = new WeakHashMap<>();
    /** Hears each type this asked its loader for (see {@link #read}); may be null. */
    private final Consumer<Class<?>> loadedWhileWeaving;

    SuperTypes() {
        this(null);
    }

    /**
     * {@code loadedWhileWeaving} hears each type the fallback asked its loader for: a class the
     * JVM loads while another is being transformed is not handed to any transformer, so the
     * weaver retransforms it later.
     */
    SuperTypes(Consumer<Class<?>> loadedWhileWeaving) {
        this.loadedWhileWeaving = loadedWhileWeaving;
    }

    /** True if {@code shape} (the class being woven) or any of its super types is named by {@code name}. */
    boolean hasSuperTypeNamed(ClassLoader loader, ClassShape shape, NamePattern name) {
        Deque<String> pending = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        addSupers(pending, shape.superName, shape.interfaces);
        while (!pending.isEmpty()) {
            String current = pending.poll();
            if (!seen.add(current)) {
                continue;
            }
            String binary = current.replace('/', '.');
            if (name.isExact() ? name.text().equals(binary) : name.matches(binary)) {
                return true;
            }
            Shape found = resolve(loader, current);
            addSupers(pending, found.superName, found.interfaces);
        }
        return false;
    }

    /** True if {@code shape} extends {@code superName} (an internal name), however far up. */
    boolean extendsClass(ClassLoader loader, ClassShape shape, String superName) {
        String current = shape.superName;
        Set<String> seen = new HashSet<>();
        while (current != null && seen.add(current)) {
            if (current.equals(superName)) {
                return true;
            }
            current = resolve(loader, current).superName;
        }
        return false;
    }

    /**
     * Whether the field {@code fieldName} is found in {@code shape} or its superclasses: Boolean.TRUE
     * for a static one, FALSE for an instance one, null when none declares it.
     */
    Boolean fieldIsStatic(ClassLoader loader, ClassShape shape, String fieldName) {
        ClassShape.Member declared = shape.field(fieldName);
        if (declared != null) {
            return declared.is(java.lang.reflect.Modifier.STATIC);
        }
        String current = shape.superName;
        Set<String> seen = new HashSet<>();
        while (current != null && seen.add(current)) {
            Shape found = resolve(loader, current);
            if (found.fields.contains("s:" + fieldName)) {
                return Boolean.TRUE;
            }
            if (found.fields.contains("i:" + fieldName)) {
                return Boolean.FALSE;
            }
            current = found.superName;
        }
        return null;
    }

    private static void addSupers(Deque<String> pending, String superName, String[] interfaces) {
        if (superName != null) {
            pending.add(superName);
        }
        for (String implemented : interfaces) {
            pending.add(implemented);
        }
    }

    private Shape resolve(ClassLoader loader, String internalName) {
        // Only the JDK's own loaders may define java.*; javax.* and others may come from any loader.
        boolean jdkType = loader == null || internalName.startsWith("java/");
        Map<String, Shape> cache;
        if (jdkType) {
            cache = jdk;
        } else {
            synchronized (byLoader) {
                cache = byLoader.computeIfAbsent(loader, key -> new ConcurrentHashMap<>());
            }
        }
        Shape known = cache.get(internalName);
        if (known != null) {
            return known;
        }
        Shape found = read(jdkType ? null : loader, internalName);
        if (found != MISSING) {
            cache.put(internalName, found);
        }
        return found;
    }

    private Shape read(ClassLoader loader, String internalName) {
        String resource = internalName + ".class";
        try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                : loader.getResourceAsStream(resource)) {
            if (in != null) {
                ClassShape shape = ClassShape.read(in.readAllBytes());
                Set<String> fields = new HashSet<>();
                for (ClassShape.Member field : shape.fields) {
                    fields.add((field.is(java.lang.reflect.Modifier.STATIC) ? "s:" : "i:") + field.name);
                }
                return new Shape(shape.superName, shape.interfaces, fields);
            }
        } catch (IOException | RuntimeException unreadable) {
            // Try the loaded class below.
        }
        try {
            Class<?> type = Class.forName(internalName.replace('/', '.'), false, loader);
            if (loadedWhileWeaving != null) {
                loadedWhileWeaving.accept(type);
            }
            Class<?> superclass = type.getSuperclass();
            List<String> interfaces = new ArrayList<>();
            for (Class<?> implemented : type.getInterfaces()) {
                interfaces.add(implemented.getName().replace('.', '/'));
            }
            Set<String> fields = new HashSet<>();
            for (Field field : type.getDeclaredFields()) {
                fields.add((Modifier.isStatic(field.getModifiers()) ? "s:" : "i:") + field.getName());
            }
            return new Shape(superclass == null ? null : superclass.getName().replace('.', '/'),
                    interfaces.toArray(new String[0]), fields);
        } catch (ClassNotFoundException | LinkageError | RuntimeException missing) {
            return MISSING;
        }
    }
}
