package dev.pulse.agent.weave;

import net.bytebuddy.jar.asm.Type;

/**
 * Times Kotlin {@code suspend} functions as one call each, from the first entry to completion.
 *
 * <p>A suspend function compiles to a method that takes a trailing
 * {@code kotlin.coroutines.Continuation} and returns Object. It returns
 * {@code COROUTINE_SUSPENDED} when it suspends; a function with a state machine is then entered
 * again, once per resumption, with its own continuation; a function whose suspension is a tail
 * call is never entered again, and completes when the continuation it was given is resumed.
 * So the timed method's hook starts a call on a first entry, continues it on a resumption,
 * records nothing on a suspending return, and records on any other return or a throw; and the
 * Kotlin runtime's resumption points ({@code BaseContinuationImpl.resumeWith}, and the debug
 * probe it calls before running each frame) complete the calls waiting on the resumed
 * continuation. See {@code ProcessingMetrics#suspendEnter}.
 */
final class SuspendInstrumentation {

    static final String BASE_CONTINUATION = "kotlin/coroutines/jvm/internal/BaseContinuationImpl";
    static final String DEBUG_PROBES = "kotlin/coroutines/jvm/internal/DebugProbesKt";
    private static final String SUSPEND_TAIL = "Lkotlin/coroutines/Continuation;)Ljava/lang/Object;";
    private static final String RESUMED = "(Ljava/lang/Object;Ljava/lang/Object;Z)V";

    private SuspendInstrumentation() {
    }

    /** The compiled shape of a suspend function: a trailing Continuation parameter, Object returned. */
    static boolean isSuspendFunction(String descriptor) {
        return descriptor.endsWith(SUSPEND_TAIL);
    }

    /** The hook for the suspend functions of timer {@code timerId}. */
    static MethodHook hook(int timerId) {
        MethodHook.Arg id = MethodHook.Arg.constant(timerId);
        return MethodHook.around(MethodHook.Call.bridge("suspendEnter", "(ILjava/lang/Object;)J"),
                new MethodHook.Arg[] {id, MethodHook.Arg.LAST_ARGUMENT}, Type.LONG, 0L,
                MethodHook.Call.bridge("suspendExit", "(IJLjava/lang/Object;Ljava/lang/Object;Ljava/lang/Throwable;)V"),
                new MethodHook.Arg[] {id, MethodHook.Arg.STATE, MethodHook.Arg.LAST_ARGUMENT, MethodHook.Arg.RETURNED,
                    MethodHook.Arg.THROWN}, true);
    }

    /**
     * The Kotlin runtime's resumption points, wherever its standard library is loaded:
     * {@code BaseContinuationImpl.resumeWith(Result)} (the continuation is resumed with that
     * result) and {@code DebugProbesKt.probeCoroutineResumed(frame)}, which the runtime calls
     * before it runs each frame, also a frame it resumes straight from a callee's completion,
     * without calling its {@code resumeWith}: the result is not known there.
     */
    static void apply(ClassShape type, WovenMethods woven) {
        if (type.name.equals(BASE_CONTINUATION)) {
            for (ClassShape.Member method : type.methods) {
                if (method.name.equals("resumeWith") && method.descriptor.equals("(Ljava/lang/Object;)V")
                        && !method.is(net.bytebuddy.jar.asm.Opcodes.ACC_STATIC)) {
                    woven.add(method, MethodHook.onEnter(MethodHook.Call.bridge("continuationResumed", RESUMED),
                            MethodHook.Arg.THIS, MethodHook.Arg.argument(0), MethodHook.Arg.constant(1)));
                }
            }
        } else if (type.name.equals(DEBUG_PROBES)) {
            for (ClassShape.Member method : type.methods) {
                if (method.name.equals("probeCoroutineResumed") && Type.getArgumentTypes(method.descriptor).length == 1
                        && Type.getArgumentTypes(method.descriptor)[0].getSort() == Type.OBJECT) {
                    woven.add(method, MethodHook.onEnter(MethodHook.Call.bridge("continuationResumed", RESUMED),
                            MethodHook.Arg.argument(0), MethodHook.Arg.NULL, MethodHook.Arg.constant(0)));
                }
            }
        }
    }
}
