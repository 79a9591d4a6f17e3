package dev.pulse.agent.pools;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * kotlinx.coroutines' {@code CoroutineScheduler} (kotlinx-coroutines-core 1.6 to 1.10): the one pool
 * of threads under both {@code Dispatchers.Default} and {@code Dispatchers.IO}. Its threads are
 * named after the scheduler, "DefaultDispatcher-worker-N"; a worker runs Default's (CPU) tasks
 * while it holds one of the scheduler's {@code corePoolSize} CPU permits (state CPU_ACQUIRED),
 * and IO's (blocking) tasks in state BLOCKING, so the same threads serve both and are exported
 * once, under the scheduler's own name ("kotlin:DefaultDispatcher").
 *
 * <p>Read from the scheduler's and its workers' fields, as its own {@code toString()} reads them:
 * nothing is locked, dispatched or started, and no worker is created.
 * <ul>
 *   <li>threads: the workers in its {@code workers} array not TERMINATED;
 *   <li>active: the workers in state CPU_ACQUIRED (running a Default task, or between two) or BLOCKING
 *       (running an IO task);
 *   <li>max: its {@code maxPoolSize} (system property {@code kotlinx.coroutines.scheduler.max.pool.size});
 *   <li>queued: its global CPU and blocking queues plus every worker's local queue.
 * </ul>
 * It counts neither completed nor rejected tasks, nor idle workers apart from the above.
 */
final class KotlinSchedulerKind implements ExecutorKind {

    static final String CLASS_NAME = "kotlinx.coroutines.scheduling.CoroutineScheduler";

    private static final ClassValue<Field> SCHEDULER_NAME = field("schedulerName");
    private static final ClassValue<Field> MAX_POOL_SIZE = field("maxPoolSize");
    private static final ClassValue<Field> WORKERS = field("workers");
    private static final ClassValue<Field> GLOBAL_CPU_QUEUE = field("globalCpuQueue");
    private static final ClassValue<Field> GLOBAL_BLOCKING_QUEUE = field("globalBlockingQueue");
    /** ResizableAtomicArray's backing array, replaced as it grows. */
    private static final ClassValue<Field> ARRAY = field("array");
    private static final ClassValue<Field> STATE = field("state");
    private static final ClassValue<Field> LOCAL_QUEUE = field("localQueue");
    private static final ClassValue<Method> IS_TERMINATED = method("isTerminated");
    /** LockFreeTaskQueue.getSize(); WorkQueue's internal size getter is getSize$kotlinx_coroutines_core(). */
    private static final ClassValue<Method> SIZE = method("getSize");

    @Override
    public String className() {
        return CLASS_NAME;
    }

    @Override
    public String owner() {
        return "kotlin:";
    }

    /** dispatch(Runnable, TaskContext|boolean, boolean): every task of Default and IO goes through it. */
    @Override
    public String usedMethodName() {
        return "dispatch";
    }

    /** The scheduler's name ("DefaultDispatcher"), which names its workers "DefaultDispatcher-worker-N". */
    @Override
    public String threadName(Object pool) throws ReflectiveOperationException {
        return (String) get(SCHEDULER_NAME, pool);
    }

    @Override
    public boolean shutdown(Object pool) throws ReflectiveOperationException {
        return (Boolean) invoke(IS_TERMINATED, pool);
    }

    @Override
    public ExecutorReading read(Object pool) throws ReflectiveOperationException {
        long threads = 0;
        long active = 0;
        long queued = size(get(GLOBAL_CPU_QUEUE, pool)) + size(get(GLOBAL_BLOCKING_QUEUE, pool));
        AtomicReferenceArray<?> workers = workers(pool);
        for (int i = 0; i < workers.length(); i++) {
            Object worker = workers.get(i);
            if (worker == null) {
                continue;
            }
            String state = String.valueOf(get(STATE, worker));
            if (state.equals("TERMINATED")) {
                continue;
            }
            threads++;
            if (state.equals("CPU_ACQUIRED") || state.equals("BLOCKING")) {
                active++;
            }
            queued += size(get(LOCAL_QUEUE, worker));
        }
        return new ExecutorReading(threads, active, ExecutorReading.ABSENT, ((Number) get(MAX_POOL_SIZE, pool)).longValue(),
                queued, ExecutorReading.ABSENT, ExecutorReading.ABSENT);
    }

    /** The workers (they are the threads themselves) not terminated. */
    @Override
    public void threads(Object pool, Consumer<Thread> each) throws ReflectiveOperationException {
        AtomicReferenceArray<?> workers = workers(pool);
        for (int i = 0; i < workers.length(); i++) {
            Object worker = workers.get(i);
            if (worker instanceof Thread && ((Thread) worker).isAlive()) {
                each.accept((Thread) worker);
            }
        }
    }

    private static AtomicReferenceArray<?> workers(Object pool) throws ReflectiveOperationException {
        return (AtomicReferenceArray<?>) get(ARRAY, get(WORKERS, pool));
    }

    private static long size(Object queue) throws ReflectiveOperationException {
        return ((Number) invoke(SIZE, queue)).longValue();
    }

    private static Object get(ClassValue<Field> field, Object target) throws ReflectiveOperationException {
        Field found = field.get(target.getClass());
        if (found == null) {
            throw new NoSuchFieldException(target.getClass().getName() + ": a field this kind reads");
        }
        return found.get(target);
    }

    private static Object invoke(ClassValue<Method> method, Object target) throws ReflectiveOperationException {
        Method found = method.get(target.getClass());
        if (found == null) {
            throw new NoSuchMethodException(target.getClass().getName() + ": a method this kind calls");
        }
        return found.invoke(target);
    }

    /** The field so named, on the class or a superclass, made accessible once per class; null when none. */
    private static ClassValue<Field> field(String name) {
        return new ClassValue<>() {
            @Override
            protected Field computeValue(Class<?> type) {
                for (Class<?> current = type; current != null; current = current.getSuperclass()) {
                    for (Field field : current.getDeclaredFields()) {
                        if (field.getName().equals(name)) {
                            field.setAccessible(true);
                            return field;
                        }
                    }
                }
                return null;
            }
        };
    }

    /**
     * The no-argument method named {@code name}, or, as Kotlin names an internal member's getter,
     * {@code name$<module>}, on the class or a superclass; null when none.
     */
    private static ClassValue<Method> method(String name) {
        return new ClassValue<>() {
            @Override
            protected Method computeValue(Class<?> type) {
                for (Class<?> current = type; current != null; current = current.getSuperclass()) {
                    for (Method method : current.getDeclaredMethods()) {
                        if (method.getParameterCount() == 0 && (method.getName().equals(name)
                                || method.getName().startsWith(name + "$"))) {
                            method.setAccessible(true);
                            return method;
                        }
                    }
                }
                return null;
            }
        };
    }
}
