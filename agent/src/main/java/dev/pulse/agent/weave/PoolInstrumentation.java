package dev.pulse.agent.weave;

import dev.pulse.agent.pools.ExecutorKind;
import dev.pulse.agent.pools.JdbcPoolKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Pool discovery: the constructors of the known connection pool classes and of the JDK's
 * executors report each new pool, a connection pool's getConnection() reports it again (so a
 * pool made before the agent was attached is found at its next use), ThreadPoolExecutor's worker
 * constructor reports the thread that will name its executor, reject() counts rejections, and
 * HikariCP's getConnection(timeout) is timed. Framework executor kinds ({@link ExecutorKind})
 * likewise: constructors and their per-task method announce the pool, their worker constructor
 * reports each thread, their reject method counts rejections. Known pools and executors return
 * at once, without locking or allocating. Every hook swallows what it throws.
 */
final class PoolInstrumentation {

    static final String THREAD_POOL_EXECUTOR = "java.util.concurrent.ThreadPoolExecutor";
    static final String WORKER = "java.util.concurrent.ThreadPoolExecutor$Worker";
    static final String FORK_JOIN_POOL = "java.util.concurrent.ForkJoinPool";
    static final String HIKARI_POOL = "com.zaxxer.hikari.pool.HikariPool";
    /** JDK types woven for discovery, which the weaver otherwise leaves alone: the JDK's executors and kinds in java.*. */
    static final List<String> JDK_TYPES = jdkTypes();

    private static final MethodHook EXECUTOR_CREATED = MethodHook.onReturn(
            MethodHook.Call.bridge("executorCreated", "(Ljava/lang/Object;)V"), MethodHook.Arg.THIS);
    private static final MethodHook REJECTED = MethodHook.onEnter(
            MethodHook.Call.bridge("executorRejected", "(Ljava/lang/Object;)V"), MethodHook.Arg.THIS);
    /** Worker(executor, ...): the outer executor comes first, the worker's thread is its field "thread". */
    private static final MethodHook WORKER_CREATED = MethodHook.onReturn(
            MethodHook.Call.bridge("executorThreadCreated", "(Ljava/lang/Object;Ljava/lang/Thread;)V"),
            MethodHook.Arg.argument(0), MethodHook.Arg.thisField("thread", "Ljava/lang/Thread;"));
    private static final MethodHook ACQUIRE = MethodHook.around(new MethodHook.Call("java/lang/System", "nanoTime", "()J"),
            new MethodHook.Arg[0], Type.LONG, 0L,
            MethodHook.Call.bridge("connectionAcquired", "(Ljava/lang/Object;JLjava/lang/Throwable;)V"),
            new MethodHook.Arg[] {MethodHook.Arg.THIS, MethodHook.Arg.STATE, MethodHook.Arg.THROWN}, true);

    /** By binary class name: hooks on every constructor. */
    private final Map<String, List<MethodHook>> constructors = new HashMap<>();
    /** By binary class name: hooks on the worker constructors whose first argument is the executor. */
    private final Map<String, List<Worker>> workers = new HashMap<>();
    /** By binary class name: hooks on methods by name. */
    private final Map<String, List<Named>> byMethod = new HashMap<>();

    /** A method hook: the method's name, its number of arguments (-1 any, -2 one long), public only or not. */
    private static final class Named {
        final String name;
        final int arguments;
        final boolean publicOnly;
        final MethodHook hook;

        Named(String name, int arguments, boolean publicOnly, MethodHook hook) {
            this.name = name;
            this.arguments = arguments;
            this.publicOnly = publicOnly;
            this.hook = hook;
        }
    }

    /** A worker hook: the executor's internal name its constructors take first (null: any two-argument constructor). */
    private static final class Worker {
        final String executor;
        final MethodHook hook;

        Worker(String executor, MethodHook hook) {
            this.executor = executor;
            this.hook = hook;
        }
    }

    private static List<String> jdkTypes() {
        List<String> types = new ArrayList<>(List.of(THREAD_POOL_EXECUTOR, WORKER, FORK_JOIN_POOL));
        for (ExecutorKind kind : ExecutorKind.ALL) {
            for (String type : new String[] {kind.className(), kind.workerClassName()}) {
                if (type != null && type.startsWith("java.")) {
                    types.add(type);
                }
            }
        }
        return List.copyOf(types);
    }

    /** {@code poolClasses}: the connection pool classes, in the order of their kind ids. */
    PoolInstrumentation(List<String> poolClasses) {
        for (int kind = 0; kind < poolClasses.size(); kind++) {
            MethodHook created = MethodHook.onReturn(MethodHook.Call.bridge("poolCreated", "(ILjava/lang/Object;)V"),
                    MethodHook.Arg.constant(kind), MethodHook.Arg.THIS);
            constructor(poolClasses.get(kind), created);
            MethodHook used = MethodHook.onEnter(MethodHook.Call.bridge("poolCreated", "(ILjava/lang/Object;)V"),
                    MethodHook.Arg.constant(kind), MethodHook.Arg.THIS);
            publicMethod(JdbcPoolKind.ALL.get(kind).connectionClassName(), "getConnection", -1, used);
        }
        for (int id = 0; id < ExecutorKind.ALL.size(); id++) {
            ExecutorKind kind = ExecutorKind.ALL.get(id);
            MethodHook created = MethodHook.onReturn(
                    MethodHook.Call.bridge("executorOfKindCreated", "(ILjava/lang/Object;)V"),
                    MethodHook.Arg.constant(id), MethodHook.Arg.THIS);
            constructor(kind.className(), created);
            if (kind.usedMethodName() != null) {
                publicMethod(kind.className(), kind.usedMethodName(), -1, created);
            }
            if (kind.rejectMethodName() != null) {
                anyMethod(kind.className(), kind.rejectMethodName(), 1, REJECTED);
            }
            if (kind.workerClassName() != null) {
                workers.computeIfAbsent(kind.workerClassName(), key -> new ArrayList<>())
                        .add(new Worker(kind.className().replace('.', '/'), WORKER_CREATED));
            }
        }
        anyMethod(HIKARI_POOL, "getConnection", -2, ACQUIRE);
        constructor(THREAD_POOL_EXECUTOR, EXECUTOR_CREATED);
        anyMethod(THREAD_POOL_EXECUTOR, "reject", 1, REJECTED);
        workers.computeIfAbsent(WORKER, key -> new ArrayList<>()).add(new Worker(null, WORKER_CREATED));
        constructor(FORK_JOIN_POOL, EXECUTOR_CREATED);
    }

    private void constructor(String type, MethodHook hook) {
        constructors.computeIfAbsent(type, key -> new ArrayList<>()).add(hook);
    }

    /** {@code arguments}: -1 any number, -2 exactly one long. */
    private void publicMethod(String type, String name, int arguments, MethodHook hook) {
        byMethod.computeIfAbsent(type, key -> new ArrayList<>()).add(new Named(name, arguments, true, hook));
    }

    private void anyMethod(String type, String name, int arguments, MethodHook hook) {
        byMethod.computeIfAbsent(type, key -> new ArrayList<>()).add(new Named(name, arguments, false, hook));
    }

    /** The binary names of every class this weaves. */
    List<String> typeNames() {
        List<String> names = new ArrayList<>(constructors.keySet());
        names.addAll(byMethod.keySet());
        names.addAll(workers.keySet());
        return names;
    }

    /** Adds the hooks of {@code type}, whose binary name is {@code binaryName}. */
    void apply(String binaryName, ClassShape type, WovenMethods woven) {
        List<MethodHook> onConstructors = constructors.get(binaryName);
        List<Named> onMethods = byMethod.get(binaryName);
        List<Worker> onWorkers = workers.get(binaryName);
        if (onConstructors == null && onMethods == null && onWorkers == null) {
            return;
        }
        for (ClassShape.Member method : type.methods) {
            if (method.isConstructor()) {
                if (onConstructors != null) {
                    onConstructors.forEach(hook -> woven.add(method, hook));
                }
                if (onWorkers != null) {
                    Type[] arguments = Type.getArgumentTypes(method.descriptor);
                    for (Worker worker : onWorkers) {
                        boolean matches = worker.executor == null ? arguments.length == 2
                                : arguments.length > 0 && arguments[0].getSort() == Type.OBJECT
                                        && arguments[0].getInternalName().equals(worker.executor);
                        if (matches) {
                            woven.add(method, worker.hook);
                        }
                    }
                }
            } else if (onMethods != null && method.isMethod() && !method.is(Opcodes.ACC_STATIC)) {
                for (Named wanted : onMethods) {
                    if (method.name.equals(wanted.name) && arguments(method.descriptor, wanted.arguments)
                            && (!wanted.publicOnly || method.is(Opcodes.ACC_PUBLIC))) {
                        woven.add(method, wanted.hook);
                    }
                }
            }
        }
    }

    private static boolean arguments(String descriptor, int wanted) {
        if (wanted == -1) {
            return true;
        }
        if (wanted == -2) {
            return descriptor.startsWith("(J)");
        }
        return Type.getArgumentTypes(descriptor).length == wanted;
    }
}
