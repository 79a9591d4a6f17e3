package dev.pulse.agent.weave;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isTypeInitializer;
import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.pulse.agent.bridge.Bridge;
import dev.pulse.agent.config.QueueConfig;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.field.FieldList;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Lets the sampler find the object that holds a configured queue field: for an instance field,
 * every constructed instance of the class is reported (and held weakly by the sampler); for a
 * static field, the class is reported once its static initializer has run.
 */
final class QueueHolderInstrumentation {

    private final QueueConfig queue;
    private final AsmVisitorWrapper instanceAdvice;
    private final AsmVisitorWrapper staticAdvice;

    QueueHolderInstrumentation(int sourceId, QueueConfig queue) {
        this.queue = queue;
        Advice.WithCustomMapping mapping = Advice.withCustomMapping().bind(SourceId.class, sourceId);
        this.instanceAdvice = mapping.to(ConstructorAdvice.class).on(isConstructor());
        this.staticAdvice = mapping.to(TypeInitializerAdvice.class).on(isTypeInitializer());
    }

    ElementMatcher<TypeDescription> types() {
        return named(queue.className());
    }

    QueueConfig queue() {
        return queue;
    }

    /** The advice for this type, or null when the type (and its superclasses) lack the field. */
    AsmVisitorWrapper adviceFor(TypeDescription type) {
        FieldDescription field = findField(type, queue.field());
        if (field == null) {
            return null;
        }
        return field.isStatic() ? staticAdvice : instanceAdvice;
    }

    /** True for a class (being loaded) whose configured field is static but that has no static initializer. */
    boolean needsTypeInitializer(TypeDescription type) {
        if (type.isInterface() || !type.getName().equals(queue.className())) {
            return false;
        }
        FieldList<?> declared = type.getDeclaredFields().filter(named(queue.field()));
        return !declared.isEmpty() && declared.getOnly().isStatic()
                && type.getDeclaredMethods().filter(isTypeInitializer()).isEmpty();
    }

    static FieldDescription findField(TypeDescription type, String name) {
        for (TypeDefinition current = type; current != null; current = current.getSuperClass()) {
            FieldList<?> fields = current.getDeclaredFields().filter(named(name));
            if (!fields.isEmpty()) {
                return fields.getOnly();
            }
        }
        return null;
    }

    static final class ConstructorAdvice {

        private ConstructorAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@SourceId int source, @Advice.This Object self) {
            Bridge.instanceCreated(source, self);
        }
    }

    static final class TypeInitializerAdvice {

        private TypeInitializerAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@SourceId int source, @Advice.Origin Class<?> type) {
            Bridge.classInitialized(source, type);
        }
    }
}
