package dev.pulse.it.isolated;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Holds a sampled queue in an instance field; the test app constructs it inside a JBoss module. */
public final class ModuleHolder {

    public final Deque<String> items = new ArrayDeque<>(List.of("a", "b", "c"));
}
