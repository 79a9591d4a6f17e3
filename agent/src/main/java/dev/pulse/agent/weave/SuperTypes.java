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
 * from class files, or from loaded classes for those generated in memory (see
 * {@link LoadedTypesFallback}). A super type that cannot be found at all means the JVM will
 * refuse the class itself: the answer is then "no" for that branch, without an error, and the
 * JVM tells the application.
 */
final class SuperTypes {

    private SuperTypes() {
    }

    /** True if {@code type} or any of its super types is named by {@code name}. */
    static boolean hasSuperTypeNamed(TypeDescription type, NamePattern name) {
        Deque<TypeDefinition> pending = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        pending.add(type);
        while (!pending.isEmpty()) {
            TypeDescription current = pending.poll().asErasure();
            String currentName = current.getName();
            if (name.isExact() ? name.text().equals(currentName) : name.matches(currentName)) {
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
            } catch (RuntimeException missing) {
                // Neither a class file nor a loaded class: the JVM will refuse the class at hand.
            }
        }
        return false;
    }
}
