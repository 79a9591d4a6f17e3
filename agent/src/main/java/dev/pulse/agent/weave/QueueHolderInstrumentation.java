package dev.pulse.agent.weave;

import dev.pulse.agent.config.QueueConfig;

/**
 * Lets the sampler find the object that holds a configured queue field: for an instance field,
 * every constructed instance of the class is reported (and held weakly by the sampler); for a
 * static field, the class is reported once its static initializer has run.
 */
final class QueueHolderInstrumentation {

    private final int sourceId;
    private final QueueConfig queue;
    private final String internalName;
    private final MethodHook instanceHook;
    private final MethodHook staticHook;

    QueueHolderInstrumentation(int sourceId, QueueConfig queue) {
        this.sourceId = sourceId;
        this.queue = queue;
        this.internalName = queue.className().replace('.', '/');
        MethodHook.Arg source = MethodHook.Arg.constant(sourceId);
        this.instanceHook = MethodHook.onReturn(MethodHook.Call.bridge("instanceCreated", "(ILjava/lang/Object;)V"),
                source, MethodHook.Arg.THIS);
        this.staticHook = MethodHook.onReturn(MethodHook.Call.bridge("classInitialized", "(ILjava/lang/Class;)V"),
                source, MethodHook.Arg.CLASS);
    }

    int sourceId() {
        return sourceId;
    }

    QueueConfig queue() {
        return queue;
    }

    /** The internal name of the holder class. */
    String internalName() {
        return internalName;
    }

    /**
     * Adds the hooks for the holder class {@code type}. Returns false when neither the class nor
     * its superclasses declare the field. A static field in a class without a static initializer
     * asks for one ({@link WovenMethods#addedInitializer}) when {@code mayAddInitializer}: the
     * class is being loaded, or was given one when it was.
     */
    boolean apply(ClassShape type, ClassLoader loader, SuperTypes superTypes, WovenMethods woven,
            boolean mayAddInitializer) {
        Boolean isStatic = superTypes.fieldIsStatic(loader, type, queue.field());
        if (isStatic == null) {
            return false;
        }
        boolean hasInitializer = false;
        for (ClassShape.Member method : type.methods) {
            if (isStatic && method.name.equals("<clinit>")) {
                hasInitializer = true;
                woven.add(method, staticHook);
            } else if (!isStatic && method.isConstructor()) {
                woven.add(method, instanceHook);
            }
        }
        if (isStatic && !hasInitializer && !type.isInterface() && type.field(queue.field()) != null
                && mayAddInitializer) {
            woven.addedInitializer = sourceId;
        }
        return true;
    }

    /** True for a class whose configured field is declared static here and that has no static initializer. */
    static boolean needsInitializer(ClassShape type, String field) {
        ClassShape.Member declared = type.field(field);
        return declared != null && declared.is(net.bytebuddy.jar.asm.Opcodes.ACC_STATIC) && !type.isInterface()
                && !type.declaresMethod("<clinit>");
    }
}
