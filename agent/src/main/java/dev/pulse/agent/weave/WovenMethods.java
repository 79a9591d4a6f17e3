package dev.pulse.agent.weave;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What one class gets: the hooks per method (name plus descriptor), and an added static initializer. */
final class WovenMethods {

    final Map<String, List<MethodHook>> byMethod = new HashMap<>();
    /** The queue source id the added static initializer reports, or -1 for none. */
    int addedInitializer = -1;
    /** Methods (name plus descriptor) whose hooks were dropped: with them the method passed the JVM's size limit. */
    final List<String> tooLarge = new ArrayList<>(0);

    /** Adds {@code hook} to {@code method}, unless the method has no code (abstract or native). */
    void add(ClassShape.Member method, MethodHook hook) {
        if (method.codeLength == 0) {
            return;
        }
        byMethod.computeIfAbsent(method.key(), key -> new ArrayList<>(2)).add(hook);
    }

    boolean isEmpty() {
        return byMethod.isEmpty() && addedInitializer < 0;
    }
}
