package dev.pulse.agent.pools;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/** Calls into pool classes the agent cannot link against: they live in the application's loaders. */
final class Reflection {

    private Reflection() {
    }

    /** Calls a public no-argument method, found on the first public class up the hierarchy. */
    static Object call(Object target, String name) throws ReflectiveOperationException {
        Method method = publicMethod(target.getClass(), name);
        try {
            return method.invoke(target);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw e;
        }
    }

    static long callLong(Object target, String name) throws ReflectiveOperationException {
        return ((Number) call(target, name)).longValue();
    }

    /** Calls a no-argument method of any access, declared on the type or a superclass. */
    static Object callDeclared(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Method method = type.getDeclaredMethod(name);
                method.setAccessible(true);
                return method.invoke(target);
            } catch (NoSuchMethodException e) {
                // look further up
            }
        }
        throw new NoSuchMethodException(target.getClass().getName() + "." + name + "()");
    }

    /** Reads a field of any access, declared on the type or a superclass. */
    static Object field(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField(name);
                field.setAccessible(true);
                return field.get(target);
            } catch (NoSuchFieldException e) {
                // look further up
            }
        }
        throw new NoSuchFieldException(target.getClass().getName() + "." + name);
    }

    /** True when {@code target}'s class is named {@code className} or extends a class so named. */
    static boolean isA(Object target, String className) {
        for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals(className)) {
                return true;
            }
        }
        return false;
    }

    private static Method publicMethod(Class<?> type, String name) throws NoSuchMethodException {
        for (Class<?> current = type; current != null; current = current.getSuperclass()) {
            if (Modifier.isPublic(current.getModifiers())) {
                return current.getMethod(name);
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + name + "()");
    }
}
