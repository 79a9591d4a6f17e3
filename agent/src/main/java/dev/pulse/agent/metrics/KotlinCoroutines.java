package dev.pulse.agent.metrics;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * What the suspend-function timer needs to know of Kotlin's compiled coroutines, read from the
 * objects it is handed: whether a return value is {@code COROUTINE_SUSPENDED}, whether a
 * continuation is a state machine being resumed, the continuation it completes, and the
 * exception of a failed {@code Result}. The agent does not link against Kotlin: each class is
 * looked at once, by name, and the answer kept beside it in a {@link ClassValue} (a getter
 * method handle, or nothing), so a call pays a class-value look-up and a handle call, no map
 * look-up by string, no allocation.
 *
 * <p>The Kotlin compiler's contract, which this follows: a suspend function takes a trailing
 * {@code Continuation} and returns Object; it returns {@code COROUTINE_SUSPENDED} when it
 * suspends; a function with a state machine keeps its state in its own continuation class (a
 * {@code BaseContinuationImpl}), whose {@code invokeSuspend} sets the sign bit of its
 * {@code label} field and calls the function again with it, and whose {@code completion} is the
 * continuation the first call was given.
 */
final class KotlinCoroutines {

    static final String SINGLETONS = "kotlin.coroutines.intrinsics.CoroutineSingletons";
    static final String SUSPENDED = "COROUTINE_SUSPENDED";
    static final String FAILURE = "kotlin.Result$Failure";
    static final String BASE_CONTINUATION = "kotlin.coroutines.jvm.internal.BaseContinuationImpl";

    private static final MethodType LABEL = MethodType.methodType(int.class, Object.class);
    private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);

    private static final ClassValue<Shape> SHAPES = new ClassValue<Shape>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            return Shape.of(type);
        }
    };

    private KotlinCoroutines() {
    }

    /** True if {@code returned} is Kotlin's {@code COROUTINE_SUSPENDED} marker. */
    static boolean isSuspendedMarker(Object returned) {
        return returned instanceof Enum
                && ((Enum<?>) returned).ordinal() == SHAPES.get(returned.getClass()).suspendedOrdinal;
    }

    /**
     * True if {@code continuation} is a compiled state machine on its way back into its
     * function: the sign bit of its {@code label} is set, as {@code invokeSuspend} leaves it.
     */
    static boolean resuming(Object continuation) throws Throwable {
        if (continuation == null) {
            return false;
        }
        MethodHandle label = SHAPES.get(continuation.getClass()).label;
        return label != null && (int) label.invokeExact(continuation) < 0;
    }

    /** The continuation {@code continuation} resumes when it completes; null if it is no Kotlin frame. */
    static Object completion(Object continuation) throws Throwable {
        MethodHandle completion = SHAPES.get(continuation.getClass()).completion;
        return completion == null ? null : (Object) completion.invokeExact(continuation);
    }

    /** The exception of a failed {@code kotlin.Result} passed to {@code resumeWith}; null for a success. */
    static Throwable failure(Object result) throws Throwable {
        if (result == null) {
            return null;
        }
        MethodHandle exception = SHAPES.get(result.getClass()).failure;
        return exception == null ? null : (Throwable) (Object) exception.invokeExact(result);
    }

    /** What one class is, to the timer. */
    private static final class Shape {
        static final Shape NOTHING = new Shape(-1, null, null, null);

        final int suspendedOrdinal;
        final MethodHandle label;
        final MethodHandle completion;
        final MethodHandle failure;

        private Shape(int suspendedOrdinal, MethodHandle label, MethodHandle completion, MethodHandle failure) {
            this.suspendedOrdinal = suspendedOrdinal;
            this.label = label;
            this.completion = completion;
            this.failure = failure;
        }

        static Shape of(Class<?> type) {
            try {
                if (type.isEnum() && type.getName().equals(SINGLETONS)) {
                    for (Object constant : type.getEnumConstants()) {
                        if (((Enum<?>) constant).name().equals(SUSPENDED)) {
                            return new Shape(((Enum<?>) constant).ordinal(), null, null, null);
                        }
                    }
                }
                if (type.getName().equals(FAILURE)) {
                    return new Shape(-1, null, null, getter(type.getDeclaredField("exception"), GETTER));
                }
                Class<?> base = superclassNamed(type, BASE_CONTINUATION);
                if (base == null) {
                    return NOTHING;
                }
                Method getCompletion = base.getMethod("getCompletion");
                MethodHandle completion = MethodHandles.publicLookup().unreflect(getCompletion).asType(GETTER);
                MethodHandle label = null;
                try {
                    Field field = type.getDeclaredField("label");
                    if (field.getType() == int.class) {
                        label = getter(field, LABEL);
                    }
                } catch (NoSuchFieldException none) {
                    // A hand-written continuation: never a state machine's resumption.
                }
                return new Shape(-1, label, completion, null);
            } catch (ReflectiveOperationException | RuntimeException unreadable) {
                // A class the agent cannot read (a named module that does not open it): treated
                // as no Kotlin frame, so its calls are timed as plain calls.
                return NOTHING;
            }
        }

        private static MethodHandle getter(Field field, MethodType type) throws IllegalAccessException {
            field.setAccessible(true);
            return MethodHandles.lookup().unreflectGetter(field).asType(type);
        }

        private static Class<?> superclassNamed(Class<?> type, String name) {
            for (Class<?> at = type; at != null; at = at.getSuperclass()) {
                if (at.getName().equals(name)) {
                    return at;
                }
            }
            return null;
        }
    }
}
