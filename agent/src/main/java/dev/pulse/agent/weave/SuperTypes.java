package dev.pulse.agent.weave;

import dev.pulse.agent.config.NamePattern;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;

/**
 * Whether a class extends or implements a named type, for {@code Name+}. Super types are read
 * from class files where the class loader has them; a super type that has none (a class
 * generated in memory) is read from the loaded class instead. A super type that cannot be found
 * at all means the JVM will refuse the class itself, so the answer is then simply "no", and the
 * JVM tells the application.
 */
final class SuperTypes {

    private SuperTypes() {
    }

    /** True if {@code type} or any of its super types is named by {@code name}. */
    static boolean hasSuperTypeNamed(TypeDescription type, ClassLoader loader, NamePattern name) {
        Deque<TypeDefinition> pending = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        pending.add(type);
        while (!pending.isEmpty()) {
            TypeDescription current = pending.poll().asErasure();
            String currentName = current.getName();
            if (name.matches(currentName)) {
                return true;
            }
            if (!seen.add(currentName)) {
                continue;
            }
            try {
                TypeDescription.Generic superClass = current.getSuperClass();
                if (superClass != null) {
                    pending.add(superClass);
                }
                pending.addAll(current.getInterfaces());
            } catch (RuntimeException unreadable) {
                // No class file for it: a class generated in memory is already loaded.
                if (loadedHasSuperTypeNamed(currentName, loader, name, seen)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Asks the class loader for a super type whose class file it does not have: the JVM is about
     * to load it anyway to define the class at hand, and it is not initialized.
     */
    private static boolean loadedHasSuperTypeNamed(String typeName, ClassLoader loader, NamePattern name,
            Set<String> seen) {
        Class<?> loaded;
        try {
            loaded = Class.forName(typeName, false, loader);
        } catch (ClassNotFoundException | LinkageError missing) {
            return false;
        }
        Deque<Class<?>> pending = new ArrayDeque<>();
        pending.add(loaded);
        while (!pending.isEmpty()) {
            Class<?> current = pending.poll();
            if (name.matches(current.getName())) {
                return true;
            }
            if (current != loaded && !seen.add(current.getName())) {
                continue;
            }
            if (current.getSuperclass() != null) {
                pending.add(current.getSuperclass());
            }
            for (Class<?> implemented : current.getInterfaces()) {
                pending.add(implemented);
            }
        }
        return false;
    }
}
