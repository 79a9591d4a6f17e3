package dev.pulse.agent.weave;

import dev.pulse.agent.bridge.Bridge;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.field.FieldList;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Gives a class that holds a sampled static field but has no static initializer one, so the
 * sampler hears when the class is initialized ({@code public static BlockingQueue<String> jobs;}
 * assigned later, in {@code main}). The initializer only reports the class, inside a handler that
 * swallows any Throwable, so the class initializes exactly as before. Only for a class being
 * loaded: a loaded class cannot gain a method.
 */
final class AddedTypeInitializer implements AsmVisitorWrapper {

    private static final String BRIDGE = Type.getInternalName(Bridge.class);
    private static final String CLASS_INITIALIZED = "(ILjava/lang/Class;)V";

    private final int sourceId;

    AddedTypeInitializer(int sourceId) {
        this.sourceId = sourceId;
    }

    @Override
    public int mergeWriter(int flags) {
        return flags;
    }

    @Override
    public int mergeReader(int flags) {
        return flags;
    }

    @Override
    public ClassVisitor wrap(TypeDescription instrumentedType, ClassVisitor classVisitor,
            Implementation.Context implementationContext, TypePool typePool,
            FieldList<FieldDescription.InDefinedShape> fields, MethodList<?> methods, int writerFlags,
            int readerFlags) {
        return new ClassVisitor(OpenedClassReader.ASM_API, classVisitor) {
            private int version;
            private String name;
            private boolean hasInitializer;

            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                this.version = version & 0xFFFF;
                this.name = name;
                super.visit(version, access, name, signature, superName, interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                if ("<clinit>".equals(name)) {
                    hasInitializer = true;
                }
                return super.visitMethod(access, name, descriptor, signature, exceptions);
            }

            @Override
            public void visitEnd() {
                // A Class constant needs class files of Java 5 (49) or later.
                if (!hasInitializer && version >= Opcodes.V1_5) {
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
                method.visitLdcInsn(sourceId);
                method.visitLdcInsn(Type.getObjectType(name));
                method.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "classInitialized", CLASS_INITIALIZED, false);
                method.visitLabel(end);
                method.visitInsn(Opcodes.RETURN);
                method.visitLabel(handler);
                if (version >= Opcodes.V1_6) {
                    method.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {"java/lang/Throwable"});
                }
                method.visitInsn(Opcodes.POP);
                method.visitInsn(Opcodes.RETURN);
                method.visitMaxs(2, 0);
                method.visitEnd();
            }
        };
    }
}
