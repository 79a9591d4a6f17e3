package dev.pulse.agent.weave;

import dev.pulse.agent.config.MethodPattern;
import dev.pulse.agent.config.NamePattern;
import dev.pulse.agent.config.TimerConfig;
import dev.pulse.agent.config.TypePattern;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Times the methods one {@code pulse.timer.<operation>} names: in the classes its class pattern
 * names (interfaces included, for their default and static methods), never in generated proxy
 * classes, and never in a method too large to take the timer's code.
 */
final class TimerInstrumentation {

    private final int timerId;
    private final TimerConfig timer;
    private final List<Pattern> names = new ArrayList<>();
    private final MethodHook hook;
    private final MethodHook suspendHook;

    TimerInstrumentation(int timerId, TimerConfig timer) {
        this.timerId = timerId;
        this.timer = timer;
        for (MethodPattern method : timer.methods()) {
            // methodRegex also takes Kotlin's internal names (audit$module for internal fun audit).
            names.add(Pattern.compile(method.name().methodRegex()));
        }
        MethodHook.Arg id = MethodHook.Arg.constant(timerId);
        this.hook = MethodHook.around(MethodHook.Call.bridge("timerEnter", "(I)J"), new MethodHook.Arg[] {id},
                Type.LONG, 0L, MethodHook.Call.bridge("timerExit", "(IJLjava/lang/Throwable;)V"),
                new MethodHook.Arg[] {id, MethodHook.Arg.STATE, MethodHook.Arg.THROWN}, true);
        this.suspendHook = SuspendInstrumentation.hook(timerId);
    }

    int timerId() {
        return timerId;
    }

    TimerConfig timer() {
        return timer;
    }

    /** The name test alone: a class this timer might weave, before its super types are read. */
    boolean mayMatchName(String binaryName) {
        return timer.type().subtypes() || timer.type().name().matches(binaryName);
    }

    /**
     * True for a class the class pattern names: not an annotation type, not a generated proxy;
     * for {@code Name+} the class itself or any of its super types named.
     */
    boolean typeMatches(ClassShape type, ClassLoader loader, SuperTypes superTypes) {
        TypePattern pattern = timer.type();
        NamePattern name = pattern.name();
        if ((type.access & Opcodes.ACC_ANNOTATION) != 0) {
            return false;
        }
        String binary = type.className();
        boolean named = name.isExact() ? name.text().equals(binary) : name.matches(binary);
        if (!pattern.subtypes() && !named) {
            return false;
        }
        if (GeneratedProxies.isProxy(type)) {
            return false;
        }
        return named || superTypes.hasSuperTypeNamed(loader, type, name);
    }

    /**
     * True for a method this timer times: concrete (abstract and native ones have no body), not a
     * bridge or synthetic method (lambda bodies among them: they would count a call twice or
     * time compiler glue), and named by a method pattern. Interface default and static methods
     * are concrete.
     */
    boolean times(ClassShape.Member method) {
        return !method.is(Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_BRIDGE | Opcodes.ACC_SYNTHETIC)
                && named(method);
    }

    /** True for a method (not a constructor) the method patterns name, by name and parameters, abstract ones too. */
    boolean named(ClassShape.Member method) {
        if (!method.isMethod()) {
            return false;
        }
        List<MethodPattern> patterns = timer.methods();
        for (int i = 0; i < patterns.size(); i++) {
            if (names.get(i).matcher(method.name).matches() && parametersMatch(patterns.get(i), method.descriptor)) {
                return true;
            }
        }
        return false;
    }

    private static boolean parametersMatch(MethodPattern pattern, String descriptor) {
        if (pattern.parameters().isEmpty()) {
            return true;
        }
        List<String> parameters = pattern.parameters().get();
        Type[] types = Type.getArgumentTypes(descriptor);
        if (pattern.anyRest() ? types.length < parameters.size() : types.length != parameters.size()) {
            return false;
        }
        for (int i = 0; i < parameters.size(); i++) {
            if (!MethodPattern.parameterMatches(parameters.get(i), types[i].getClassName())) {
                return false;
            }
        }
        return true;
    }

    /** The hook for {@code method}: one call from first entry to completion for a Kotlin suspend function. */
    MethodHook hookFor(ClassShape.Member method) {
        return SuspendInstrumentation.isSuspendFunction(method.descriptor) ? suspendHook : hook;
    }
}
