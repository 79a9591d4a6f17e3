package dev.pulse.agent.sample;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

/** Reads the size, and capacity where bounded, of a Collection, a Map or any object with size(). */
final class Sizes {

    /** Where a type has no usable size(). */
    private static final MethodHandle NONE = MethodHandles.constant(long.class, -1L);
    private static final MethodType SIZE_TYPE = MethodType.methodType(long.class, Object.class);

    /**
     * size() of other types, as method handles of type (Object)long; NONE where there is none. A
     * ClassValue lives and dies with its class, so the handle (which references the class) keeps
     * no loader alive. A method handle, unlike Method.invoke on Java 11..17, generates no accessor
     * class under the application's loader.
     */
    private static final ClassValue<MethodHandle> SIZE_METHODS = new ClassValue<MethodHandle>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            return findSizeMethod(type);
        }
    };

    private Sizes() {
    }

    /** Null when the object has no size; a Reading with a failure when size() misbehaved. */
    static Reading read(Object queue) {
        try {
            if (queue instanceof Collection) {
                return reading((Collection<?>) queue);
            }
            if (queue instanceof Map) {
                return checked(((Map<?, ?>) queue).size(), -1);
            }
            MethodHandle size = SIZE_METHODS.get(queue.getClass());
            if (size == NONE) {
                return null;
            }
            return checked((long) size.invokeExact(queue), -1);
        } catch (Throwable e) {
            // Whatever size() throws is the queue's failure, as Method.invoke would have wrapped it.
            return Reading.failed("size() threw " + e);
        }
    }

    private static Reading reading(Collection<?> collection) {
        int size = collection.size();
        long capacity = -1;
        if (collection instanceof BlockingQueue) {
            int remaining = ((BlockingQueue<?>) collection).remainingCapacity();
            if (remaining != Integer.MAX_VALUE) {
                capacity = (long) size + Math.max(remaining, 0);
            }
        }
        return checked(size, capacity);
    }

    private static Reading checked(long size, long capacity) {
        if (size < 0) {
            return Reading.failed("size() returned " + size);
        }
        return new Reading(size, capacity, null);
    }

    private static MethodHandle findSizeMethod(Class<?> type) {
        try {
            Method size = type.getMethod("size");
            Class<?> returns = size.getReturnType();
            if ((returns == int.class || returns == long.class) && size.trySetAccessible()) {
                return MethodHandles.lookup().unreflect(size).asType(SIZE_TYPE);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // no usable size(): remembered as NONE
        }
        return NONE;
    }

    static final class Reading {
        final long size;
        /** -1 when unbounded or unknown. */
        final long capacity;
        final String failure;

        Reading(long size, long capacity, String failure) {
            this.size = size;
            this.capacity = capacity;
            this.failure = failure;
        }

        static Reading failed(String failure) {
            return new Reading(0, -1, failure);
        }
    }
}
