package dev.pulse.agent.weave;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameMatches;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.pulse.agent.bridge.Bridge;
import dev.pulse.agent.config.MethodPattern;
import dev.pulse.agent.config.NamePattern;
import dev.pulse.agent.config.TimerConfig;
import dev.pulse.agent.config.TypePattern;
import java.util.List;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.description.type.TypeList;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Times the methods one {@code pulse.timer.<operation>} names: in the classes its class pattern
 * names (interfaces included, for their default and static methods), never in generated proxy
 * classes, and never in a method too large to take the advice.
 */
final class TimerInstrumentation {

    private final int timerId;
    private final TimerConfig timer;
    private final AgentBuilder.RawMatcher types;
    private final ElementMatcher.Junction<MethodDescription> methods;
    private final ElementMatcher.Junction<MethodDescription> named;
    private final Advice advice;
    private final AsmVisitorWrapper allMatching;

    TimerInstrumentation(int timerId, TimerConfig timer) {
        this.timerId = timerId;
        this.timer = timer;
        this.types = typeMatcher(timer.type());
        this.methods = methodMatcher(timer);
        this.named = namedMethods(timer);
        this.advice = Advice.withCustomMapping()
                .bind(TimerId.class, timerId)
                .to(TimerAdvice.class);
        this.allMatching = adviceOn(methods);
    }

    AgentBuilder.RawMatcher types() {
        return types;
    }

    int timerId() {
        return timerId;
    }

    TimerConfig timer() {
        return timer;
    }

    /** The methods of {@code type} this timer times, before any is left out for its size. */
    MethodList<MethodDescription.InDefinedShape> matchedMethods(TypeDescription type) {
        return type.getDeclaredMethods().filter(methods);
    }

    /**
     * True if {@code type} declares a method the patterns name, abstract ones included: an
     * interface or abstract class that only declares the method leaves its timing to its
     * implementations, and is no sign of a pattern that matches nothing.
     */
    boolean declaresNamedMethod(TypeDescription type) {
        return !type.getDeclaredMethods().filter(named).isEmpty();
    }

    /** The advice for every matched method. */
    AsmVisitorWrapper advice() {
        return allMatching;
    }

    /** The advice for every matched method but those named (name plus descriptor, {@code run()V}). */
    AsmVisitorWrapper adviceExcept(Set<String> excluded) {
        return adviceOn(methods.and(not(new ElementMatcher<MethodDescription>() {
            @Override
            public boolean matches(MethodDescription method) {
                return excluded.contains(method.getInternalName() + method.getDescriptor());
            }
        })));
    }

    /** The plain advice on {@code chosen}, but Kotlin suspend functions: one call from first entry to completion. */
    private AsmVisitorWrapper adviceOn(ElementMatcher.Junction<MethodDescription> chosen) {
        return advice.on(chosen.and(not(SuspendInstrumentation.isSuspendFunction())))
                .method(chosen.and(SuspendInstrumentation.isSuspendFunction()), SuspendInstrumentation.advice(timerId));
    }

    /**
     * The classes a pattern names, interfaces included, generated proxies and annotation types
     * excluded. {@code Name+} walks the super types, see {@link SuperTypes}.
     */
    static AgentBuilder.RawMatcher typeMatcher(TypePattern pattern) {
        NamePattern name = pattern.name();
        return (type, loader, module, classBeingRedefined, domain) -> {
            if (type.isAnnotation() || (!pattern.subtypes() && !name.matches(type.getName()))) {
                return false;
            }
            if (GeneratedProxies.isProxy(type)) {
                return false;
            }
            return !pattern.subtypes() || SuperTypes.hasSuperTypeNamed(type, name);
        };
    }

    /**
     * Concrete methods only: abstract and native ones have no body to time, and bridge and
     * synthetic ones (lambda bodies among them) would count a call twice or time compiler glue.
     * Interface default and static methods are concrete.
     */
    static ElementMatcher.Junction<MethodDescription> methodMatcher(TimerConfig timer) {
        return namedMethods(timer)
                .and(not(isAbstract()))
                .and(not(isNative()))
                .and(not(isBridge()))
                .and(not(isSynthetic()));
    }

    /** Methods (not constructors) the timer's method patterns name, by name and parameters. */
    private static ElementMatcher.Junction<MethodDescription> namedMethods(TimerConfig timer) {
        ElementMatcher.Junction<MethodDescription> patterns = none();
        for (MethodPattern method : timer.methods()) {
            patterns = patterns.or(methodMatcher(method));
        }
        return isMethod().and(patterns);
    }

    private static ElementMatcher.Junction<MethodDescription> methodMatcher(MethodPattern pattern) {
        NamePattern name = pattern.name();
        // methodRegex also takes Kotlin's internal names (audit$module for internal fun audit).
        ElementMatcher.Junction<MethodDescription> byName = nameMatches(name.methodRegex());
        if (pattern.parameters().isEmpty()) {
            return byName;
        }
        List<String> parameters = pattern.parameters().get();
        boolean anyRest = pattern.anyRest();
        return byName.and(new ElementMatcher.Junction.AbstractBase<MethodDescription>() {
            @Override
            public boolean matches(MethodDescription method) {
                TypeList.Generic types = method.getParameters().asTypeList();
                if (anyRest ? types.size() < parameters.size() : types.size() != parameters.size()) {
                    return false;
                }
                for (int i = 0; i < parameters.size(); i++) {
                    if (!MethodPattern.parameterMatches(parameters.get(i), types.get(i).asErasure().getActualName())) {
                        return false;
                    }
                }
                return true;
            }
        });
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
