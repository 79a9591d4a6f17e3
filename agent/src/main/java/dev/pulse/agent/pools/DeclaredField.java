package dev.pulse.agent.pools;

import java.lang.reflect.Field;

/**
 * A field of a framework class, found once per concrete class and kept beside that class (a
 * {@link ClassValue}: it goes when the class is unloaded), so that a pass over hundreds of pool
 * children reads fields instead of looking them up, and throws nothing for the subclasses that
 * do not declare them.
 */
final class DeclaredField {

    private final String owner;
    private final String name;
    private final ClassValue<Field> found = new ClassValue<Field>() {
        @Override
        protected Field computeValue(Class<?> type) {
            for (Class<?> current = type; current != null; current = current.getSuperclass()) {
                if (current.getName().equals(owner)) {
                    for (Field field : current.getDeclaredFields()) {
                        if (field.getName().equals(name)) {
                            field.setAccessible(true);
                            return field;
                        }
                    }
                    return null;
                }
            }
            return null;
        }
    };

    /** The field {@code name} declared by the class named {@code owner}. */
    DeclaredField(String owner, String name) {
        this.owner = owner;
        this.name = name;
    }

    /** True when {@code target} is of the owner class (or extends it) and the owner declares the field. */
    boolean declaredFor(Object target) {
        return target != null && found.get(target.getClass()) != null;
    }

    /**
     * The field's value in {@code target}; throws NoSuchFieldException when {@code target} is not
     * of the owner class or the owner does not declare it (another version of the framework).
     */
    Object get(Object target) throws ReflectiveOperationException {
        Field field = found.get(target.getClass());
        if (field == null) {
            throw new NoSuchFieldException(owner + "." + name + " in " + target.getClass().getName());
        }
        return field.get(target);
    }
}
