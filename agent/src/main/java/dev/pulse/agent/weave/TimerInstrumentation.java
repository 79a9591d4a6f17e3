package dev.pulse.agent.weave;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameMatches;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.pulse.agent.bridge.Bridge;
import dev.pulse.agent.config.NamePattern;
import dev.pulse.agent.config.TimerConfig;
import dev.pulse.agent.config.TypePattern;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** Times the methods one {@code pulse.timer.<operation>} names. */
final class TimerInstrumentation {

    private final ElementMatcher<TypeDescription> types;
    private final AsmVisitorWrapper advice;

    TimerInstrumentation(int timerId, TimerConfig timer) {
        this.types = typeMatcher(timer.type());
        ElementMatcher.Junction<MethodDescription> methods = methodMatcher(timer);
        this.advice = Advice.withCustomMapping()
                .bind(TimerId.class, timerId)
                .to(TimerAdvice.class)
                .on(methods.and(not(SuspendInstrumentation.isSuspendFunction())))
                // Kotlin suspend functions: one call from first entry to completion.
                .method(methods.and(SuspendInstrumentation.isSuspendFunction()),
                        SuspendInstrumentation.advice(timerId));
    }

    ElementMatcher<TypeDescription> types() {
        return types;
    }

    AsmVisitorWrapper advice() {
        return advice;
    }

    static ElementMatcher.Junction<TypeDescription> typeMatcher(TypePattern pattern) {
        ElementMatcher.Junction<TypeDescription> byName = nameMatcher(pattern.name());
        if (pattern.subtypes()) {
            return not(isInterface()).and(hasSuperType(byName));
        }
        return not(isInterface()).and(byName);
    }

    /**
     * Concrete methods only: abstract and native ones have no body to time, and bridge and
     * synthetic ones (lambda bodies among them) would count a call twice or time compiler glue.
     */
    static ElementMatcher.Junction<MethodDescription> methodMatcher(TimerConfig timer) {
        ElementMatcher.Junction<MethodDescription> names = none();
        for (NamePattern method : timer.methods()) {
            names = names.or(nameMatches(method.methodRegex()));
        }
        return isMethod().and(names)
                .and(not(isAbstract()))
                .and(not(isNative()))
                .and(not(isBridge()))
                .and(not(isSynthetic()));
    }

    private static <T extends net.bytebuddy.description.NamedElement> ElementMatcher.Junction<T> nameMatcher(
            NamePattern pattern) {
        return pattern.isExact() ? named(pattern.text()) : nameMatches(pattern.regex());
    }

    /** Inlined into every timed method. Never throws into the host: both parts suppress. */
    static final class TimerAdvice {

        private TimerAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@TimerId int timer) {
            return Bridge.timerEnter(timer);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@TimerId int timer, @Advice.Enter long token, @Advice.Thrown Throwable thrown) {
            Bridge.timerExit(timer, token, thrown);
        }
    }
}
