package dev.pulse.agent.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code pulse.timer.<operation>=<type pattern>#<method pattern>[,<method pattern>...]}; see {@link MethodPattern}. */
public final class TimerConfig {

    private final String operation;
    private final TypePattern type;
    private final List<MethodPattern> methods;
    private final Duration stall;

    TimerConfig(String operation, TypePattern type, List<MethodPattern> methods, Duration stall) {
        this.operation = operation;
        this.type = type;
        this.methods = List.copyOf(methods);
        this.stall = stall;
    }

    TimerConfig withStall(Duration threshold) {
        return new TimerConfig(operation, type, methods, threshold);
    }

    /** {@code pulse.timer.<operation>.stall}: a call running longer is logged once, with its stack. */
    public Optional<Duration> stall() {
        return Optional.ofNullable(stall);
    }

    public String operation() {
        return operation;
    }

    public TypePattern type() {
        return type;
    }

    public List<MethodPattern> methods() {
        return methods;
    }

    @Override
    public String toString() {
        return operation + "=" + type + "#" + methods;
    }
}
