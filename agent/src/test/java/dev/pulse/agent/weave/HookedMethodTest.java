package dev.pulse.agent.weave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.agent.weave.TimerInstrumentationTest.RecordingHooks;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The timer's code woven into method shapes javac does not write but other compilers and old
 * class files do: a Java 1.4 class (no stack map frames) whose finally block is a JSR/RET
 * subroutine, values left under the returned one, a loop starting at the first instruction,
 * two hooks on one method, wide values, a handler of the method's own around a return, and a
 * method close to the JVM's 64 KB limit. Each class is written here with ASM, woven as the agent
 * weaves, defined (so verified) and run.
 */
class HookedMethodTest {

    private static final RecordingHooks HOOKS = TimerInstrumentationTest.HOOKS;
    private static final MethodHook TIMER_1 = timer(1);
    private static final MethodHook TIMER_2 = timer(2);

    @BeforeAll
    static void installHooks() {
        RecordingHooks.install(HOOKS);
    }

    @BeforeEach
    @AfterEach
    void clear() {
        HOOKS.calls.clear();
        HOOKS.failing = false;
    }

    private static MethodHook timer(int id) {
        MethodHook.Arg arg = MethodHook.Arg.constant(id);
        return MethodHook.around(MethodHook.Call.bridge("timerEnter", "(I)J"), new MethodHook.Arg[] {arg}, Type.LONG, 0L,
                MethodHook.Call.bridge("timerExit", "(IJLjava/lang/Throwable;)V"),
                new MethodHook.Arg[] {arg, MethodHook.Arg.STATE, MethodHook.Arg.THROWN}, true);
    }

    @Test
    void aJava14ClassWithAJsrRetFinallyIsTimedOnReturnAndOnThrow() throws Exception {
        Class<?> type = load("gen.Jsr14", WeaveSupport.weave(jsrClass("gen/Jsr14"), "work", TIMER_1));
        Method work = type.getMethod("work", int.class);
        assertEquals(8, work.invoke(null, 7));
        assertEquals(1, type.getField("finallyRuns").getInt(null));
        assertEquals(List.of("enter 1", "exit 1 null"), HOOKS.calls);
        HOOKS.calls.clear();
        InvocationTargetException thrown = assertThrows(InvocationTargetException.class, () -> work.invoke(null, -1));
        assertTrue(thrown.getCause() instanceof IllegalStateException);
        assertEquals(2, type.getField("finallyRuns").getInt(null));
        assertEquals(List.of("enter 1", "exit 1 IllegalStateException"), HOOKS.calls);
    }

    @Test
    void valuesLeftUnderTheReturnedOneAndALoopAtTheFirstInstructionVerify() throws Exception {
        Class<?> type = load("gen.Shapes", weaveAll(shapesClass("gen/Shapes"), TIMER_1));
        assertEquals(2, type.getMethod("leftovers").invoke(null));
        assertEquals(0, type.getMethod("countDown", int.class).invoke(null, 5));
        assertEquals(List.of("enter 1", "exit 1 null", "enter 1", "exit 1 null"), HOOKS.calls);
    }

    @Test
    void twoHooksOnOneMethodNestTheFirstOutermost() throws Exception {
        Class<?> type = load("gen.Shapes", WeaveSupport.weave(shapesClass("gen/Shapes"), "wide", TIMER_1, TIMER_2));
        assertEquals(7.5d, type.getMethod("wide", long.class, double.class).invoke(null, 3L, 4.5d));
        assertEquals(List.of("enter 1", "enter 2", "exit 2 null", "exit 1 null"), HOOKS.calls);
        HOOKS.calls.clear();
        InvocationTargetException thrown = assertThrows(InvocationTargetException.class,
                () -> type.getMethod("wide", long.class, double.class).invoke(null, -1L, 0d));
        assertTrue(thrown.getCause() instanceof ArithmeticException);
        assertEquals(List.of("enter 1", "enter 2", "exit 2 ArithmeticException", "exit 1 ArithmeticException"),
                HOOKS.calls);
    }

    @Test
    void theMethodsOwnHandlerAroundAReturnStillCatchesItsOwnExceptionAndAFaultingHookChangesNothing() throws Exception {
        Class<?> type = load("gen.Shapes", weaveAll(shapesClass("gen/Shapes"), TIMER_1));
        Method guarded = type.getMethod("guarded", String.class);
        assertEquals(3, guarded.invoke(null, "abc"));
        assertEquals(-1, guarded.invoke(null, (Object) null), "its own handler caught the NullPointerException");
        assertEquals(List.of("enter 1", "exit 1 null", "enter 1", "exit 1 null"), HOOKS.calls);
        HOOKS.failing = true;
        assertEquals(3, guarded.invoke(null, "abc"), "the failing hook's exception never reached the method's handler");
        assertEquals(-1, guarded.invoke(null, (Object) null));
        IllegalStateException own = new IllegalStateException("the host's");
        InvocationTargetException thrown = assertThrows(InvocationTargetException.class,
                () -> type.getMethod("rethrow", Throwable.class).invoke(null, own));
        assertSame(own, thrown.getCause());
    }

    @Test
    void anOuterHookWhoseExitReadsThisOrItsFieldsNestsAroundATimerAndInConstructors() throws Exception {
        MethodHook executor = MethodHook.onReturn(
                MethodHook.Call.bridge("executorCreated", "(Ljava/lang/Object;)V"), MethodHook.Arg.THIS);
        MethodHook instance = MethodHook.onReturn(
                MethodHook.Call.bridge("instanceCreated", "(ILjava/lang/Object;)V"), MethodHook.Arg.constant(4),
                MethodHook.Arg.THIS);
        byte[] file = nestClass("gen/Nest");
        ClassShape shape = ClassShape.read(file);
        WovenMethods woven = new WovenMethods();
        for (ClassShape.Member member : shape.methods) {
            if (member.name.equals("bump")) {
                // As the agent orders them: the pool and failure hooks first (outermost), the timer inside.
                woven.add(member, FailureInstrumentation.FUTURE_FAILED);
                woven.add(member, executor);
                woven.add(member, TIMER_1);
            } else if (member.isConstructor()) {
                woven.add(member, executor);
                woven.add(member, instance);
            }
        }
        Class<?> type = load("gen.Nest", Weaver.rewrite(new net.bytebuddy.jar.asm.ClassReader(file), shape, woven));
        Object nest = type.getConstructor().newInstance();
        assertEquals(List.of("instance 4", "executor"), HOOKS.calls, "the inner exit first");
        HOOKS.calls.clear();
        assertEquals(4, type.getMethod("bump", int.class).invoke(nest, 3));
        assertEquals(List.of("enter 1", "exit 1 null", "executor", "failed current"), HOOKS.calls);
        HOOKS.calls.clear();
        HOOKS.failing = true;
        assertEquals(4, type.getMethod("bump", int.class).invoke(nest, 3), "failing hooks change nothing");
    }

    /** {@code Nest}: {@code int state}; {@code int bump(int x) { state = x; return x + 1; }}. */
    private static byte[] nestClass(String name) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String first, String second) {
                return "java/lang/Object";
            }
        };
        writer.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object", null);
        writer.visitField(Opcodes.ACC_PRIVATE, "state", "I", null, null).visitEnd();
        constructor(writer);
        MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC, "bump", "(I)I", null, null);
        method.visitCode();
        method.visitVarInsn(Opcodes.ALOAD, 0);
        method.visitVarInsn(Opcodes.ILOAD, 1);
        method.visitFieldInsn(Opcodes.PUTFIELD, name, "state", "I");
        method.visitVarInsn(Opcodes.ILOAD, 1);
        method.visitInsn(Opcodes.ICONST_1);
        method.visitInsn(Opcodes.IADD);
        method.visitInsn(Opcodes.IRETURN);
        method.visitMaxs(0, 0);
        method.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    @Test
    void aMethodCloseToTheSizeLimitTakesTheTimer() throws Exception {
        byte[] file = largeClass("gen/Large", Weaver.MAX_WOVEN_CODE_BYTES - 16);
        ClassShape.Member method = ClassShape.read(file).methods.stream()
                .filter(member -> member.name.equals("large")).findFirst().get();
        assertTrue(method.codeLength > Weaver.MAX_WOVEN_CODE_BYTES - 32, () -> String.valueOf(method.codeLength));
        Class<?> type = load("gen.Large", WeaveSupport.weave(file, "large", TIMER_1, TIMER_2));
        assertEquals(4, type.getMethod("large", int.class).invoke(null, 3));
        assertEquals(List.of("enter 1", "enter 2", "exit 2 null", "exit 1 null"), HOOKS.calls);
    }

    @Test
    void aMethodWhoseManyReturnsWouldTakeItPastTheLimitIsLeftAsItIsAndTheRestOfItsClassWoven() throws Exception {
        byte[] file = manyReturnsClass("gen/Returns", 10_000);
        ClassShape shape = ClassShape.read(file);
        assertTrue(shape.methods.stream().filter(member -> member.name.equals("returns")).findFirst().get().codeLength
                < Weaver.MAX_WOVEN_CODE_BYTES, "small enough to be tried");
        WovenMethods woven = new WovenMethods();
        for (ClassShape.Member member : shape.methods) {
            if (member.isMethod()) {
                woven.add(member, TIMER_1);
            }
        }
        byte[] result = Weaver.rewrite(new net.bytebuddy.jar.asm.ClassReader(file), shape, woven);
        assertEquals(List.of("returns(I)I"), woven.tooLarge);
        Class<?> type = load("gen.Returns", result);
        assertEquals(1, type.getMethod("returns", int.class).invoke(null, 3));
        assertEquals(List.of(), HOOKS.calls, "left as it was");
        assertEquals(4, type.getMethod("small", int.class).invoke(null, 3));
        assertEquals(List.of("enter 1", "exit 1 null"), HOOKS.calls);
    }

    /** {@code returns(int x)}: {@code count} times {@code if (x != 0) return 1;}, then 0; and a small method. */
    private static byte[] manyReturnsClass(String name, int count) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V1_4, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object", null);
        constructor(writer);
        MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "returns", "(I)I", null, null);
        method.visitCode();
        for (int i = 0; i < count; i++) {
            Label next = new Label();
            method.visitVarInsn(Opcodes.ILOAD, 0);
            method.visitJumpInsn(Opcodes.IFEQ, next);
            method.visitInsn(Opcodes.ICONST_1);
            method.visitInsn(Opcodes.IRETURN);
            method.visitLabel(next);
        }
        method.visitInsn(Opcodes.ICONST_0);
        method.visitInsn(Opcodes.IRETURN);
        method.visitMaxs(0, 0);
        method.visitEnd();
        method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "small", "(I)I", null, null);
        method.visitCode();
        method.visitVarInsn(Opcodes.ILOAD, 0);
        method.visitInsn(Opcodes.ICONST_1);
        method.visitInsn(Opcodes.IADD);
        method.visitInsn(Opcodes.IRETURN);
        method.visitMaxs(0, 0);
        method.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    private static byte[] weaveAll(byte[] file, MethodHook hook) {
        ClassShape shape = ClassShape.read(file);
        WovenMethods woven = new WovenMethods();
        for (ClassShape.Member member : shape.methods) {
            if (member.isMethod()) {
                woven.add(member, hook);
            }
        }
        net.bytebuddy.jar.asm.ClassReader reader = new net.bytebuddy.jar.asm.ClassReader(file);
        return Weaver.rewrite(reader, ClassShape.read(reader), woven);
    }

    private static Class<?> load(String name, byte[] bytes) {
        return WeaveSupport.define(name, bytes, HookedMethodTest.class.getClassLoader());
    }

    /**
     * {@code static int work(int x) { try { if (x < 0) throw new IllegalStateException(); return x + 1; }
     * finally { finallyRuns++; } }} as javac 1.4 wrote it: the finally block a JSR/RET subroutine.
     */
    private static byte[] jsrClass(String name) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V1_4, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object", null);
        writer.visitField(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "finallyRuns", "I", null, null).visitEnd();
        constructor(writer);
        MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "work", "(I)I", null, null);
        method.visitCode();
        Label tryStart = new Label();
        Label positive = new Label();
        Label tryEnd = new Label();
        Label any = new Label();
        Label subroutine = new Label();
        method.visitTryCatchBlock(tryStart, tryEnd, any, null);
        method.visitLabel(tryStart);
        method.visitVarInsn(Opcodes.ILOAD, 0);
        method.visitJumpInsn(Opcodes.IFGE, positive);
        method.visitTypeInsn(Opcodes.NEW, "java/lang/IllegalStateException");
        method.visitInsn(Opcodes.DUP);
        method.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/IllegalStateException", "<init>", "()V", false);
        method.visitInsn(Opcodes.ATHROW);
        method.visitLabel(positive);
        method.visitVarInsn(Opcodes.ILOAD, 0);
        method.visitInsn(Opcodes.ICONST_1);
        method.visitInsn(Opcodes.IADD);
        method.visitVarInsn(Opcodes.ISTORE, 1);
        method.visitLabel(tryEnd);
        method.visitJumpInsn(Opcodes.JSR, subroutine);
        method.visitVarInsn(Opcodes.ILOAD, 1);
        method.visitInsn(Opcodes.IRETURN);
        method.visitLabel(any);
        method.visitVarInsn(Opcodes.ASTORE, 2);
        method.visitJumpInsn(Opcodes.JSR, subroutine);
        method.visitVarInsn(Opcodes.ALOAD, 2);
        method.visitInsn(Opcodes.ATHROW);
        method.visitLabel(subroutine);
        method.visitVarInsn(Opcodes.ASTORE, 3);
        method.visitFieldInsn(Opcodes.GETSTATIC, name, "finallyRuns", "I");
        method.visitInsn(Opcodes.ICONST_1);
        method.visitInsn(Opcodes.IADD);
        method.visitFieldInsn(Opcodes.PUTSTATIC, name, "finallyRuns", "I");
        method.visitVarInsn(Opcodes.RET, 3);
        method.visitMaxs(0, 0);
        method.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    /** A Java 8 class with the shapes javac does not write, frames computed by ASM. */
    private static byte[] shapesClass(String name) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String first, String second) {
                return "java/lang/Object";
            }
        };
        writer.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object", null);
        constructor(writer);
        // static int leftovers() { push 1; push 2; ireturn } : 1 is left under the returned 2.
        MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "leftovers", "()I", null, null);
        method.visitCode();
        method.visitInsn(Opcodes.ICONST_1);
        method.visitInsn(Opcodes.ICONST_2);
        method.visitInsn(Opcodes.IRETURN);
        method.visitMaxs(0, 0);
        method.visitEnd();
        // static int countDown(int n) { do { n--; } while (n > 0); return n; } : a frame at the first instruction.
        method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "countDown", "(I)I", null, null);
        method.visitCode();
        Label loop = new Label();
        method.visitLabel(loop);
        method.visitIincInsn(0, -1);
        method.visitVarInsn(Opcodes.ILOAD, 0);
        method.visitJumpInsn(Opcodes.IFGT, loop);
        method.visitVarInsn(Opcodes.ILOAD, 0);
        method.visitInsn(Opcodes.IRETURN);
        method.visitMaxs(0, 0);
        method.visitEnd();
        // static double wide(long a, double b) { long c = 10 / (a + 1); return a + b + c - c; }
        method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "wide", "(JD)D", null, null);
        method.visitCode();
        method.visitLdcInsn(10L);
        method.visitVarInsn(Opcodes.LLOAD, 0);
        method.visitInsn(Opcodes.LCONST_1);
        method.visitInsn(Opcodes.LADD);
        method.visitInsn(Opcodes.LDIV);
        method.visitVarInsn(Opcodes.LSTORE, 4);
        method.visitVarInsn(Opcodes.LLOAD, 0);
        method.visitInsn(Opcodes.L2D);
        method.visitVarInsn(Opcodes.DLOAD, 2);
        method.visitInsn(Opcodes.DADD);
        method.visitInsn(Opcodes.DRETURN);
        method.visitMaxs(0, 0);
        method.visitEnd();
        // static int guarded(String s) { try { return s.length(); } catch (RuntimeException e) { return -1; } }:
        // its handler would also catch a failing hook's IllegalStateException, were it asked first.
        method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "guarded", "(Ljava/lang/String;)I", null, null);
        method.visitCode();
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        method.visitTryCatchBlock(start, end, handler, "java/lang/RuntimeException");
        method.visitLabel(start);
        method.visitVarInsn(Opcodes.ALOAD, 0);
        method.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "length", "()I", false);
        method.visitInsn(Opcodes.IRETURN);
        method.visitLabel(end);
        method.visitLabel(handler);
        method.visitVarInsn(Opcodes.ASTORE, 1);
        method.visitInsn(Opcodes.ICONST_M1);
        method.visitInsn(Opcodes.IRETURN);
        method.visitMaxs(0, 0);
        method.visitEnd();
        // static void rethrow(Throwable t) throws Throwable { throw t; }
        method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "rethrow", "(Ljava/lang/Throwable;)V", null,
                null);
        method.visitCode();
        method.visitVarInsn(Opcodes.ALOAD, 0);
        method.visitInsn(Opcodes.ATHROW);
        method.visitMaxs(0, 0);
        method.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    /** {@code static int large(int x)}: {@code nops} NOPs, then {@code return x + 1}. */
    private static byte[] largeClass(String name, int nops) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object", null);
        constructor(writer);
        MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "large", "(I)I", null, null);
        method.visitCode();
        for (int i = 0; i < nops; i++) {
            method.visitInsn(Opcodes.NOP);
        }
        method.visitVarInsn(Opcodes.ILOAD, 0);
        method.visitInsn(Opcodes.ICONST_1);
        method.visitInsn(Opcodes.IADD);
        method.visitInsn(Opcodes.IRETURN);
        method.visitMaxs(0, 0);
        method.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    private static void constructor(ClassWriter writer) {
        MethodVisitor init = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
    }
}
