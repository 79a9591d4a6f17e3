package dev.pulse.agent.weave;

import net.bytebuddy.jar.asm.Type;

/**
 * One piece of code woven into a method, as data: what it calls on entry (its result kept in a
 * local of the woven method, the hook's state), what it calls at each normal return, and whether
 * it also hears a throw. Every call goes to a static method taking the values its arguments name.
 * {@link HookedMethod} writes the bytecode, each call inside a handler that swallows any
 * Throwable, so the host's own results and exceptions are untouched.
 */
final class MethodHook {

    static final String BRIDGE = "dev/pulse/agent/bridge/Bridge";

    /** What one argument of a hook's call is. */
    enum Source {
        /** An int constant, {@link Arg#value}. */
        CONSTANT,
        /** {@code this}. */
        THIS,
        /** An argument of the woven method, {@link Arg#value} its index, -1 the last one. */
        ARGUMENT,
        /** null. */
        NULL,
        /** The hook's state: what its entry call returned, or its default when that call failed. */
        STATE,
        /** A field of {@code this}, {@link Arg#name} of type {@link Arg#descriptor}. */
        THIS_FIELD,
        /** The woven class's {@code Class} object. */
        CLASS,
        /** The value being returned (an object), or null on a throw. */
        RETURNED,
        /** The Throwable being thrown, or null on a return. */
        THROWN,
    }

    /** One argument. */
    static final class Arg {
        final Source source;
        final int value;
        final String name;
        final String descriptor;

        private Arg(Source source, int value, String name, String descriptor) {
            this.source = source;
            this.value = value;
            this.name = name;
            this.descriptor = descriptor;
        }

        static Arg constant(int value) {
            return new Arg(Source.CONSTANT, value, null, null);
        }

        static Arg argument(int index) {
            return new Arg(Source.ARGUMENT, index, null, null);
        }

        static Arg thisField(String name, String descriptor) {
            return new Arg(Source.THIS_FIELD, 0, name, descriptor);
        }

        static final Arg THIS = new Arg(Source.THIS, 0, null, null);
        static final Arg NULL = new Arg(Source.NULL, 0, null, null);
        static final Arg STATE = new Arg(Source.STATE, 0, null, null);
        static final Arg CLASS = new Arg(Source.CLASS, 0, null, null);
        static final Arg RETURNED = new Arg(Source.RETURNED, 0, null, null);
        static final Arg THROWN = new Arg(Source.THROWN, 0, null, null);
        static final Arg LAST_ARGUMENT = argument(-1);
    }

    /** A static method: owner's internal name, name, descriptor. */
    static final class Call {
        final String owner;
        final String name;
        final String descriptor;

        Call(String owner, String name, String descriptor) {
            this.owner = owner;
            this.name = name;
            this.descriptor = descriptor;
        }

        static Call bridge(String name, String descriptor) {
            return new Call(BRIDGE, name, descriptor);
        }
    }

    /** Null for no entry code; the call may be null when the entry is a single argument (a field read). */
    final Arg[] enterArgs;
    final Call enter;
    /** {@link Type#LONG}, {@link Type#INT} or 0 for no state; the state's value when the entry fails. */
    final int stateSort;
    final long stateDefault;
    /** Null for no exit code. */
    final Arg[] exitArgs;
    final Call exit;
    /** The exit also runs, with the Throwable, when the method throws. */
    final boolean onThrowable;
    /** The class loader hook (see {@link ClassLoaderInstrumentation}), which has none of the above. */
    final boolean loadClass;

    private MethodHook(Arg[] enterArgs, Call enter, int stateSort, long stateDefault, Arg[] exitArgs, Call exit,
            boolean onThrowable, boolean loadClass) {
        this.enterArgs = enterArgs;
        this.enter = enter;
        this.stateSort = stateSort;
        this.stateDefault = stateDefault;
        this.exitArgs = exitArgs;
        this.exit = exit;
        this.onThrowable = onThrowable;
        this.loadClass = loadClass;
    }

    /** Calls {@code call} on entry; nothing at exit. */
    static MethodHook onEnter(Call call, Arg... args) {
        return new MethodHook(args, call, 0, 0, null, null, false, false);
    }

    /** Calls {@code call} at each normal return. */
    static MethodHook onReturn(Call call, Arg... args) {
        return new MethodHook(null, null, 0, 0, args, call, false, false);
    }

    /**
     * Calls {@code enter} (or reads its one argument when {@code enter} is null), keeps the
     * result of sort {@code stateSort} ({@code stateDefault} if the entry failed), and calls
     * {@code exit} at each return, and on a throw too when {@code onThrowable}.
     */
    static MethodHook around(Call enter, Arg[] enterArgs, int stateSort, long stateDefault, Call exit, Arg[] exitArgs,
            boolean onThrowable) {
        return new MethodHook(enterArgs, enter, stateSort, stateDefault, exitArgs, exit, onThrowable, false);
    }

    static final MethodHook LOAD_CLASS = new MethodHook(null, null, 0, 0, null, null, false, true);

    /**
     * True when the exit reads the woven method's own locals ({@code this}, a field of it, an
     * argument) at a return: a hook nested inside this one must then keep them declared in the
     * stack map frames of its own handlers, where this one's exit is woven too.
     */
    boolean exitReadsMethodLocals() {
        return exitReads(Source.THIS) || exitReads(Source.THIS_FIELD) || exitReads(Source.ARGUMENT);
    }

    /** True when one of the exit's arguments is {@code source} (for ARGUMENT, any argument). */
    boolean exitReads(Source source) {
        if (exitArgs != null) {
            for (Arg arg : exitArgs) {
                if (arg.source == source) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when the exit reads the woven method's last argument. */
    boolean exitReadsLastArgument() {
        if (exitArgs != null) {
            for (Arg arg : exitArgs) {
                if (arg.source == Source.ARGUMENT && arg.value < 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The local variable slots the state takes. */
    int stateSize() {
        return stateSort == Type.LONG || stateSort == Type.DOUBLE ? 2 : stateSort == 0 ? 0 : 1;
    }

    /** Slots a woven method gives each hook above its own locals: state, then a kept argument, then a returned value or a Throwable. */
    static final int SLOTS = 6;
}
