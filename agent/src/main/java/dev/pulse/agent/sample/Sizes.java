package dev.pulse.agent.sample;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

/** Reads the size, and capacity where bounded, of a Collection, a Map or any object with size(). */
final class Sizes {

    private static final Method NONE;

    static {
        try {
            NONE = Object.class.getMethod("hashCode");
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * size() methods found on other types, NONE where there is no usable one. A ClassValue lives
     * and dies with its class, so the Method (which references its class) keeps no loader alive.
     */
    private static final ClassValue<Method> SIZE_METHODS = new ClassValue<Method>() {
        @Override
        protected Method computeValue(Class<?> type) {
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
            Method size = sizeMethod(queue.getClass());
            if (size == null) {
                return null;
            }
            return checked(((Number) size.invoke(queue)).longValue(), -1);
        } catch (InvocationTargetException e) {
            return Reading.failed("size() threw " + e.getCause());
        } catch (Exception e) {
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

    private static Method sizeMethod(Class<?> type) {
        Method size = SIZE_METHODS.get(type);
        return size == NONE ? null : size;
    }

    private static Method findSizeMethod(Class<?> type) {
        try {
            Method size = type.getMethod("size");
            Class<?> returns = size.getReturnType();
            if ((returns == int.class || returns == long.class) && size.trySetAccessible()) {
                return size;
            }
        } catch (NoSuchMethodException | RuntimeException e) {
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
