package dev.pulse.agent.weave;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Weaves one class: each method with hooks gets them (see {@link HookedMethod}; several hooks on
 * one method nest, the first outermost, each with its own locals; an inner hook's handlers keep
 * {@code this} and the arguments declared when an outer hook's exit, woven at their returns too,
 * reads them), every other method is copied unchanged. A class that holds a sampled static field but has no static initializer can be
 * given one ({@link WovenMethods#addedInitializer}), so the sampler hears when the class is
 * initialized ({@code public static BlockingQueue<String> jobs;} assigned later, in
 * {@code main}): it only reports the class, inside a handler that swallows any Throwable, so the
 * class initializes exactly as before. Only for a class being loaded, or one given the
 * initializer when it was: a loaded class cannot gain or lose a method.
 */
final class HookWeaver extends ClassVisitor {

    private static final String CLASS_INITIALIZED = "(ILjava/lang/Class;)V";

    private final ClassShape shape;
    private final WovenMethods woven;
    private final Map<String, ClassShape.Member> methods = new HashMap<>();

    HookWeaver(ClassVisitor next, ClassShape shape, WovenMethods woven) {
        super(Opcodes.ASM9, next);
        this.shape = shape;
        this.woven = woven;
        for (ClassShape.Member method : shape.methods) {
            methods.put(method.key(), method);
        }
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
            String[] exceptions) {
        MethodVisitor visitor = super.visitMethod(access, name, descriptor, signature, exceptions);
        List<MethodHook> hooks = woven.byMethod.get(name + descriptor);
        ClassShape.Member method = methods.get(name + descriptor);
        if (visitor == null || hooks == null || method == null) {
            return visitor;
        }
        int count = hooks.size();
        boolean outerReadsLocals = false;
        for (int i = 0; i < count; i++) {
            int base = method.maxLocals + MethodHook.SLOTS * (count - 1 - i);
            visitor = new HookedMethod(api, visitor, shape.version, shape.name, access, descriptor, base,
                    hooks.get(i), outerReadsLocals);
            outerReadsLocals |= hooks.get(i).exitReadsMethodLocals();
        }
        return visitor;
    }

    @Override
    public void visitEnd() {
        // A Class constant needs class files of Java 5 (49) or later.
        if (woven.addedInitializer >= 0 && !shape.declaresMethod("<clinit>") && shape.version >= Opcodes.V1_5) {
            addInitializer();
        }
        super.visitEnd();
    }

    private void addInitializer() {
        MethodVisitor method = super.visitMethod(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
        method.visitCode();
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        method.visitTryCatchBlock(start, end, handler, "java/lang/Throwable");
        method.visitLabel(start);
        method.visitLdcInsn(woven.addedInitializer);
        method.visitLdcInsn(Type.getObjectType(shape.name));
        method.visitMethodInsn(Opcodes.INVOKESTATIC, MethodHook.BRIDGE, "classInitialized", CLASS_INITIALIZED, false);
        method.visitLabel(end);
        method.visitInsn(Opcodes.RETURN);
        method.visitLabel(handler);
        if (shape.version >= Opcodes.V1_6) {
            method.visitFrame(Opcodes.F_NEW, 0, new Object[0], 1, new Object[] {"java/lang/Throwable"});
        }
        method.visitInsn(Opcodes.POP);
        method.visitInsn(Opcodes.RETURN);
        method.visitMaxs(2, 0);
        method.visitEnd();
    }
}
