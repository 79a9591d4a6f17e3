package dev.pulse.agent.weave;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.pulse.agent.bridge.Bridge;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Times Kotlin {@code suspend} functions as one call each, from the first entry to completion.
 *
 * <p>A suspend function compiles to a method that takes a trailing
 * {@code kotlin.coroutines.Continuation} and returns Object. It returns
 * {@code COROUTINE_SUSPENDED} when it suspends; a function with a state machine is then entered
 * again, once per resumption, with its own continuation; a function whose suspension is a tail
 * call is never entered again, and completes when the continuation it was given is resumed.
 * So the timed method's advice starts a call on a first entry, continues it on a resumption,
 * records nothing on a suspending return, and records on any other return or a throw; and the
 * Kotlin runtime's resumption points ({@code BaseContinuationImpl.resumeWith}, and the debug
 * probe it calls before running each frame) complete the calls waiting on the resumed
 * continuation. See {@code ProcessingMetrics#suspendEnter}.
 */
final class SuspendInstrumentation {

    static final String CONTINUATION = "kotlin.coroutines.Continuation";
    static final String BASE_CONTINUATION = "kotlin.coroutines.jvm.internal.BaseContinuationImpl";
    static final String DEBUG_PROBES = "kotlin.coroutines.jvm.internal.DebugProbesKt";

    private SuspendInstrumentation() {
    }

    /** The compiled shape of a suspend function: a trailing Continuation parameter, Object returned. */
    static ElementMatcher.Junction<MethodDescription> isSuspendFunction() {
        return returns(Object.class).and(new ElementMatcher.Junction.AbstractBase<MethodDescription>() {
            @Override
            public boolean matches(MethodDescription method) {
                int count = method.getParameters().size();
                return count > 0 && method.getParameters().get(count - 1).getType().asErasure()
                        .getName().equals(CONTINUATION);
            }
        });
    }

    /** The advice for the suspend functions of timer {@code timerId}. */
    static Advice advice(int timerId) {
        return Advice.withCustomMapping()
                .bind(TimerId.class, timerId)
                .bind(new LastArgument.Factory())
                .to(SuspendAdvice.class);
    }

    /** Hooks the Kotlin runtime's resumption points, wherever its standard library is loaded. */
    static AgentBuilder install(AgentBuilder builder) {
        return builder
                .type(named(BASE_CONTINUATION))
                .transform((b, type, loader, module, domain) -> b.visit(Advice.to(ResumeWithAdvice.class)
                        .on(named("resumeWith").and(takesArguments(1)).and(takesArgument(0, Object.class)))))
                .type(named(DEBUG_PROBES))
                .transform((b, type, loader, module, domain) -> b.visit(Advice.to(ProbeAdvice.class)
                        .on(named("probeCoroutineResumed").and(takesArguments(1)))));
    }

    /** Inlined into every timed suspend function. Never throws into the host: both parts suppress. */
    static final class SuspendAdvice {

        private SuspendAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@TimerId int timer, @LastArgument Object continuation) {
            return Bridge.suspendEnter(timer, continuation);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@TimerId int timer, @Advice.Enter long token, @LastArgument Object continuation,
                @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object returned, @Advice.Thrown Throwable thrown) {
            Bridge.suspendExit(timer, token, continuation, returned, thrown);
        }
    }

    /** In {@code BaseContinuationImpl.resumeWith(Result)}: the continuation is resumed with that result. */
    static final class ResumeWithAdvice {

        private ResumeWithAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object continuation, @Advice.Argument(0) Object result) {
            Bridge.continuationResumed(continuation, result, true);
        }
    }

    /**
     * In {@code DebugProbesKt.probeCoroutineResumed(frame)}, which the runtime calls before it runs
     * each frame, also a frame it resumes straight from a callee's completion, without calling
     * its {@code resumeWith}: the result is not known there.
     */
    static final class ProbeAdvice {

        private ProbeAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) Object frame) {
            Bridge.continuationResumed(frame, null, false);
        }
    }

    /** Binds the instrumented method's last argument, as the method received it. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface LastArgument {

        /** Resolves {@link LastArgument} against each instrumented method. */
        final class Factory implements Advice.OffsetMapping.Factory<LastArgument> {

            @Override
            public Class<LastArgument> getAnnotationType() {
                return LastArgument.class;
            }

            @Override
            public Advice.OffsetMapping make(ParameterDescription.InDefinedShape target,
                    AnnotationDescription.Loadable<LastArgument> annotation, Advice.OffsetMapping.Factory.AdviceType adviceType) {
                return (instrumentedType, instrumentedMethod, assigner, argumentHandler, sort) ->
                        new Advice.OffsetMapping.ForArgument.Unresolved(target.getType(), true,
                                Assigner.Typing.DYNAMIC, instrumentedMethod.getParameters().size() - 1)
                                .resolve(instrumentedType, instrumentedMethod, assigner, argumentHandler, sort);
            }
        }
    }
}
