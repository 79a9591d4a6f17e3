package dev.pulse.agent.weave;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.jar.asm.TypePath;

/**
 * Writes one {@link MethodHook} into a method as the method's code streams through.
 *
 * <p>Layout: the entry call at the start, in a handler of its own that swallows any Throwable
 * and stores the state's default instead; the state in a local above every local of the method
 * ({@code base}); at each return the value is kept in a local, the exit call made in a handler of
 * its own, the value returned; and for a hook that hears throws, one handler over the whole
 * original body that makes the exit call with the Throwable and throws it again. The handlers'
 * code sits at the end of the method, outside every other handler's range, so each needs only its
 * own locals in its stack map frame; the method's own frames gain the state, which is live from
 * the entry on. The hook's exception table entries come first, the method's own next, the
 * handler over the whole body last, so the method's handlers never see the hook's faults and
 * the whole-body handler sees only what the method's own handlers let through.
 *
 * <p>Needs frames expanded ({@code ClassReader.EXPAND_FRAMES}) and a writer that computes the
 * maximum stack and locals. Class files before version 50 carry no frames and get none.
 * Type annotations on the method's exception handlers are dropped (their indexes would move).
 */
final class HookedMethod extends MethodVisitor {

    private static final String THROWABLE = "java/lang/Throwable";

    private final MethodHook hook;
    private final boolean frames;
    private final int classVersion;
    private final String owner;
    private final boolean isStatic;
    private final Type[] arguments;
    private final Type returnType;
    private final int base;
    private final Object[] initialLocals;
    private final List<Label[]> ownHandlers = new ArrayList<>();
    private final List<Object[]> methodHandlers = new ArrayList<>();
    private final List<Object[]> returnHandlers = new ArrayList<>();
    private Label bodyStart;
    /** The exit reads the last argument: it is kept on entry in a local of its own, after the state. */
    private final boolean keepsLastArgument;
    /**
     * The exit reads {@code this} in the handler over the whole body: it is kept on entry too, after
     * the argument (the handler's frame cannot assume slot 0 still holds it).
     */
    private final boolean keepsThis;
    private final boolean declareArguments;

    /**
     * @param base the first local slot the hook may use, at or above the method's max locals
     * @param declareArguments whether the frames of the handlers at the end of the method declare
     *     {@code this} and the arguments (as the descriptor types them) rather than leaving them
     *     TOP: needed when a hook around this one weaves, at those handlers' returns too, an exit
     *     that reads them; it assumes the method never stores a value of another type in them
     */
    HookedMethod(int api, MethodVisitor next, int classVersion, String owner, int access, String descriptor, int base,
            MethodHook hook, boolean declareArguments) {
        super(api, next);
        this.declareArguments = declareArguments;
        this.hook = hook;
        this.classVersion = classVersion;
        this.frames = classVersion >= Opcodes.V1_6;
        this.owner = owner;
        this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
        this.arguments = Type.getArgumentTypes(descriptor);
        this.returnType = Type.getReturnType(descriptor);
        this.base = base;
        this.initialLocals = initialLocals();
        // Only a hook with an entry can keep values, and only one with a handler over the body needs this kept.
        this.keepsLastArgument = hook.enterArgs != null && hook.exitReadsLastArgument();
        this.keepsThis = hook.enterArgs != null && hook.onThrowable && !isStatic
                && hook.exitReads(MethodHook.Source.THIS);
    }

    private int keptArgumentSlot() {
        return base + hook.stateSize();
    }

    private int keptThisSlot() {
        return base + hook.stateSize() + (keepsLastArgument ? 1 : 0);
    }

    /** Slots of the state: the entry's result, then the kept argument, then the kept {@code this}. */
    private int stateSize() {
        return hook.stateSize() + (keepsLastArgument ? 1 : 0) + (keepsThis ? 1 : 0);
    }

    private boolean hasState() {
        return hook.stateSort != 0 || keepsLastArgument || keepsThis;
    }

    /** The state's entries in a stack map frame. */
    private void addStateTypes(List<Object> locals) {
        if (hook.stateSort != 0) {
            locals.add(stateType());
        }
        if (keepsLastArgument) {
            locals.add("java/lang/Object");
        }
        if (keepsThis) {
            locals.add("java/lang/Object");
        }
    }

    private Object[] initialLocals() {
        List<Object> locals = new ArrayList<>();
        if (!isStatic) {
            locals.add(owner);
        }
        for (Type argument : arguments) {
            locals.add(frameType(argument));
        }
        return locals.toArray();
    }

    /** The stack map frame's form of a value of {@code type}. */
    private static Object frameType(Type type) {
        switch (type.getSort()) {
            case Type.BOOLEAN:
            case Type.BYTE:
            case Type.CHAR:
            case Type.SHORT:
            case Type.INT:
                return Opcodes.INTEGER;
            case Type.LONG:
                return Opcodes.LONG;
            case Type.FLOAT:
                return Opcodes.FLOAT;
            case Type.DOUBLE:
                return Opcodes.DOUBLE;
            case Type.ARRAY:
                return type.getDescriptor();
            default:
                return type.getInternalName();
        }
    }

    private Object stateType() {
        return hook.stateSort == Type.LONG ? Opcodes.LONG : Opcodes.INTEGER;
    }

    @Override
    public void visitCode() {
        super.visitCode();
        if (hook.loadClass) {
            loadClassEntry();
        } else if (hook.enterArgs != null) {
            entry();
        }
        if (hook.onThrowable) {
            bodyStart = new Label();
            super.visitLabel(bodyStart);
        }
    }

    private void entry() {
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        Label merge = new Label();
        super.visitLabel(start);
        push(hook.enterArgs, false, false, false);
        if (hook.enter != null) {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, hook.enter.owner, hook.enter.name, hook.enter.descriptor, false);
        }
        super.visitLabel(end);
        storeState();
        if (keepsLastArgument) {
            pushArgument(arguments.length - 1);
            super.visitVarInsn(Opcodes.ASTORE, keptArgumentSlot());
        }
        if (keepsThis) {
            super.visitVarInsn(Opcodes.ALOAD, 0);
            super.visitVarInsn(Opcodes.ASTORE, keptThisSlot());
        }
        super.visitJumpInsn(Opcodes.GOTO, merge);
        super.visitLabel(handler);
        frame(initialLocals, THROWABLE);
        super.visitInsn(Opcodes.POP);
        if (hook.stateSort != 0) {
            if (hook.stateSort == Type.LONG) {
                super.visitLdcInsn(hook.stateDefault);
            } else {
                super.visitLdcInsn((int) hook.stateDefault);
            }
            storeState();
        }
        if (keepsLastArgument) {
            super.visitInsn(Opcodes.ACONST_NULL);
            super.visitVarInsn(Opcodes.ASTORE, keptArgumentSlot());
        }
        if (keepsThis) {
            super.visitVarInsn(Opcodes.ALOAD, 0);
            super.visitVarInsn(Opcodes.ASTORE, keptThisSlot());
        }
        super.visitLabel(merge);
        frame(hasState() ? withState(initialLocals) : initialLocals, null);
        // The method's own first instruction may carry a frame: keep the two frames apart.
        super.visitInsn(Opcodes.NOP);
        super.visitTryCatchBlock(start, end, handler, THROWABLE);
    }

    private void storeState() {
        if (hook.stateSort == Type.LONG) {
            super.visitVarInsn(Opcodes.LSTORE, base);
        } else if (hook.stateSort != 0) {
            super.visitVarInsn(Opcodes.ISTORE, base);
        }
    }

    /**
     * A class loader's {@code loadClass(String...)}: a name under the bridge's package is answered
     * by the bootstrap loader; any other name, or a failure, runs the method as it was.
     */
    private void loadClassEntry() {
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        Label original = new Label();
        super.visitLabel(start);
        super.visitVarInsn(Opcodes.ALOAD, 1);
        super.visitJumpInsn(Opcodes.IFNULL, original);
        super.visitVarInsn(Opcodes.ALOAD, 1);
        super.visitLdcInsn(ClassLoaderInstrumentation.BRIDGE_PACKAGE);
        super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "startsWith", "(Ljava/lang/String;)Z", false);
        super.visitJumpInsn(Opcodes.IFEQ, original);
        super.visitVarInsn(Opcodes.ALOAD, 1);
        super.visitInsn(Opcodes.ICONST_0);
        super.visitInsn(Opcodes.ACONST_NULL);
        super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Class", "forName",
                "(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;", false);
        super.visitInsn(Opcodes.ARETURN);
        super.visitLabel(end);
        super.visitLabel(handler);
        frame(initialLocals, THROWABLE);
        super.visitInsn(Opcodes.POP);
        super.visitLabel(original);
        frame(initialLocals, null);
        super.visitInsn(Opcodes.NOP);
        super.visitTryCatchBlock(start, end, handler, THROWABLE);
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        if (hasState() && frames) {
            if (type != Opcodes.F_NEW) {
                throw new IllegalStateException("frames not expanded");
            }
            Object[] locals = withState(numLocal == local.length ? local : java.util.Arrays.copyOf(local, numLocal));
            super.visitFrame(type, locals.length, locals, numStack, stack);
            return;
        }
        super.visitFrame(type, numLocal, local, numStack, stack);
    }

    /** {@code locals}, padded with TOP up to {@code base}, then the state. */
    private Object[] withState(Object[] locals) {
        List<Object> result = new ArrayList<>(base + 2);
        int slots = 0;
        for (Object local : locals) {
            result.add(local);
            slots += local == Opcodes.LONG || local == Opcodes.DOUBLE ? 2 : 1;
        }
        if (slots > base) {
            throw new IllegalStateException("a frame holds " + slots + " slots, above the hook's base " + base);
        }
        for (; slots < base; slots++) {
            result.add(Opcodes.TOP);
        }
        addStateTypes(result);
        return result.toArray();
    }

    /**
     * TOP below {@code base} (but {@code this} and the arguments where they must be declared),
     * then the state (if any), then {@code extra} (if not null).
     */
    private Object[] ownLocals(Object extra) {
        List<Object> result = new ArrayList<>(base + 3);
        int slots = 0;
        if (declareArguments) {
            for (Object local : initialLocals) {
                result.add(local);
                slots += local == Opcodes.LONG || local == Opcodes.DOUBLE ? 2 : 1;
            }
        }
        for (; slots < base; slots++) {
            result.add(Opcodes.TOP);
        }
        addStateTypes(result);
        if (extra != null) {
            result.add(extra);
        }
        return result.toArray();
    }

    private void frame(Object[] locals, String stackTop) {
        if (!frames) {
            return;
        }
        if (stackTop == null) {
            super.visitFrame(Opcodes.F_NEW, locals.length, locals, 0, new Object[0]);
        } else {
            super.visitFrame(Opcodes.F_NEW, locals.length, locals, 1, new Object[] {stackTop});
        }
    }

    /** The slot of a returned value or a thrown Throwable: right above the state. */
    private int valueSlot() {
        return base + stateSize();
    }

    @Override
    public void visitInsn(int opcode) {
        if (hook.exitArgs != null && opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            exitAtReturn(opcode);
        }
        super.visitInsn(opcode);
    }

    private void exitAtReturn(int opcode) {
        boolean value = opcode != Opcodes.RETURN;
        int slot = valueSlot();
        if (value) {
            super.visitVarInsn(returnType.getOpcode(Opcodes.ISTORE), slot);
        }
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        super.visitLabel(start);
        push(hook.exitArgs, true, true, value && returnType.getSort() >= Type.ARRAY);
        super.visitMethodInsn(Opcodes.INVOKESTATIC, hook.exit.owner, hook.exit.name, hook.exit.descriptor, false);
        super.visitLabel(end);
        if (value) {
            super.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), slot);
        }
        super.visitTryCatchBlock(start, end, handler, THROWABLE);
        returnHandlers.add(new Object[] {handler, opcode});
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
        methodHandlers.add(new Object[] {start, end, handler, type});
    }

    @Override
    public AnnotationVisitor visitTryCatchAnnotation(int typeRef, TypePath typePath, String descriptor,
            boolean visible) {
        return null;
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        Label bodyEnd = null;
        Label catchAll = null;
        if (hook.onThrowable) {
            bodyEnd = new Label();
            catchAll = new Label();
            super.visitLabel(bodyEnd);
            super.visitLabel(catchAll);
            frame(ownLocals(null), THROWABLE);
            int slot = valueSlot();
            super.visitVarInsn(Opcodes.ASTORE, slot);
            Label start = new Label();
            Label end = new Label();
            Label handler = new Label();
            super.visitLabel(start);
            push(hook.exitArgs, true, false, false);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, hook.exit.owner, hook.exit.name, hook.exit.descriptor, false);
            super.visitLabel(end);
            super.visitVarInsn(Opcodes.ALOAD, slot);
            super.visitInsn(Opcodes.ATHROW);
            super.visitLabel(handler);
            frame(ownLocals(THROWABLE), THROWABLE);
            super.visitInsn(Opcodes.POP);
            super.visitVarInsn(Opcodes.ALOAD, slot);
            super.visitInsn(Opcodes.ATHROW);
            super.visitTryCatchBlock(start, end, handler, THROWABLE);
        }
        for (Object[] returned : returnHandlers) {
            int opcode = (Integer) returned[1];
            super.visitLabel((Label) returned[0]);
            boolean value = opcode != Opcodes.RETURN;
            frame(ownLocals(value ? frameType(returnType) : null), THROWABLE);
            super.visitInsn(Opcodes.POP);
            if (value) {
                super.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), valueSlot());
            }
            super.visitInsn(opcode);
        }
        for (Object[] handler : methodHandlers) {
            super.visitTryCatchBlock((Label) handler[0], (Label) handler[1], (Label) handler[2], (String) handler[3]);
        }
        if (catchAll != null) {
            super.visitTryCatchBlock(bodyStart, bodyEnd, catchAll, THROWABLE);
        }
        super.visitMaxs(maxStack, maxLocals);
    }

    /**
     * Pushes {@code args}. {@code atReturn}: at a normal return (THROWN is null, RETURNED the kept
     * value when {@code objectReturned}); otherwise on entry or in the whole-body handler, whose
     * Throwable is in the value slot.
     */
    private void push(MethodHook.Arg[] args, boolean atExit, boolean atReturn, boolean objectReturned) {
        for (MethodHook.Arg arg : args) {
            switch (arg.source) {
                case CONSTANT:
                    pushInt(arg.value);
                    break;
                case THIS:
                    super.visitVarInsn(Opcodes.ALOAD, keepsThis && atExit ? keptThisSlot() : 0);
                    break;
                case ARGUMENT:
                    if (keepsLastArgument && atExit && arg.value < 0) {
                        super.visitVarInsn(Opcodes.ALOAD, keptArgumentSlot());
                    } else {
                        pushArgument(arg.value < 0 ? arguments.length - 1 : arg.value);
                    }
                    break;
                case NULL:
                    super.visitInsn(Opcodes.ACONST_NULL);
                    break;
                case STATE:
                    super.visitVarInsn(hook.stateSort == Type.LONG ? Opcodes.LLOAD : Opcodes.ILOAD, base);
                    break;
                case THIS_FIELD:
                    super.visitVarInsn(Opcodes.ALOAD, 0);
                    super.visitFieldInsn(Opcodes.GETFIELD, owner, arg.name, arg.descriptor);
                    break;
                case CLASS:
                    if (classVersion >= Opcodes.V1_5) {
                        super.visitLdcInsn(Type.getObjectType(owner));
                    } else {
                        // Caller-sensitive: the woven class's own loader, which already holds it.
                        super.visitLdcInsn(owner.replace('/', '.'));
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Class", "forName",
                                "(Ljava/lang/String;)Ljava/lang/Class;", false);
                    }
                    break;
                case RETURNED:
                    if (atReturn && objectReturned) {
                        super.visitVarInsn(Opcodes.ALOAD, valueSlot());
                    } else {
                        super.visitInsn(Opcodes.ACONST_NULL);
                    }
                    break;
                case THROWN:
                    if (atReturn || !hook.onThrowable) {
                        super.visitInsn(Opcodes.ACONST_NULL);
                    } else {
                        super.visitVarInsn(Opcodes.ALOAD, valueSlot());
                    }
                    break;
                default:
                    throw new IllegalStateException(arg.source.name());
            }
        }
    }

    private void pushArgument(int index) {
        int slot = isStatic ? 0 : 1;
        for (int i = 0; i < index; i++) {
            slot += arguments[i].getSize();
        }
        super.visitVarInsn(arguments[index].getOpcode(Opcodes.ILOAD), slot);
    }

    private void pushInt(int value) {
        if (value >= -1 && value <= 5) {
            super.visitInsn(Opcodes.ICONST_0 + value);
        } else if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE) {
            super.visitIntInsn(Opcodes.BIPUSH, value);
        } else if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE) {
            super.visitIntInsn(Opcodes.SIPUSH, value);
        } else {
            super.visitLdcInsn(value);
        }
    }
}
