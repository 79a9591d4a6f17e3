package dev.pulse.agent.pools;

import static dev.pulse.agent.pools.Reflection.call;

import java.util.Queue;
import java.util.function.Consumer;

/**
 * Netty 4's groups of event loops and event executors (4.1 and 4.2):
 * {@code io.netty.util.concurrent.MultithreadEventExecutorGroup}, the base of NioEventLoopGroup,
 * EpollEventLoopGroup, 4.2's MultiThreadIoEventLoopGroup and DefaultEventExecutorGroup, so boss,
 * I/O and business groups alike. Each child ({@code SingleThreadEventExecutor}) runs on one
 * thread that it starts at its first task; Netty's DefaultThreadFactory names those threads
 * "&lt;poolName&gt;-&lt;group&gt;-&lt;n&gt;" ("nioEventLoopGroup-2-1", or "boss-3-1" with the name the
 * application gives), which names the group.
 *
 * <p>Read from the children's fields, never through a method that could start a child's thread
 * or queue a task on it ({@code threadProperties()} submits one): threads are the children whose
 * thread has started and not ended; queued tasks are the children's pending tasks, their task
 * queues' sizes plus an event loop's tail tasks, the figure {@code pendingTasks()} gives, read
 * without calling it (some 4.1 event loops answered it by running a task on the loop); max is
 * the number of children. Netty counts neither busy, idle nor completed tasks: those are absent.
 */
final class NettyEventExecutorGroupKind implements ExecutorKind {

    static final String CLASS_NAME = "io.netty.util.concurrent.MultithreadEventExecutorGroup";
    private static final String SINGLE_THREAD_EXECUTOR = "io.netty.util.concurrent.SingleThreadEventExecutor";
    private static final String SINGLE_THREAD_EVENT_LOOP = "io.netty.channel.SingleThreadEventLoop";
    private static final DeclaredField CHILDREN = new DeclaredField(CLASS_NAME, "children");
    private static final DeclaredField THREAD = new DeclaredField(SINGLE_THREAD_EXECUTOR, "thread");
    private static final DeclaredField TASK_QUEUE = new DeclaredField(SINGLE_THREAD_EXECUTOR, "taskQueue");
    private static final DeclaredField TAIL_TASKS = new DeclaredField(SINGLE_THREAD_EVENT_LOOP, "tailTasks");

    @Override
    public String className() {
        return CLASS_NAME;
    }

    /** Every channel registered with a group and every task given to it goes through next(). */
    @Override
    public String usedMethodName() {
        return "next";
    }

    /** The first started child's thread name; null while no child has started its thread. */
    @Override
    public String threadName(Object group) throws ReflectiveOperationException {
        for (Object child : children(group)) {
            Thread thread = thread(child);
            if (thread != null) {
                return thread.getName();
            }
        }
        return null;
    }

    /** The group's isShutdown(): every child has shut down (it reads their states). */
    @Override
    public boolean shutdown(Object group) throws ReflectiveOperationException {
        return (Boolean) call(group, "isShutdown");
    }

    @Override
    public ExecutorReading read(Object group) throws ReflectiveOperationException {
        Object[] children = children(group);
        long threads = 0;
        long pending = 0;
        for (Object child : children) {
            if (live(thread(child))) {
                threads++;
            }
            pending += pendingTasks(child);
        }
        return new ExecutorReading(threads, ExecutorReading.ABSENT, ExecutorReading.ABSENT, children.length,
                pending, ExecutorReading.ABSENT, ExecutorReading.ABSENT);
    }

    @Override
    public void threads(Object group, Consumer<Thread> each) throws ReflectiveOperationException {
        for (Object child : children(group)) {
            Thread thread = thread(child);
            if (live(thread)) {
                each.accept(thread);
            }
        }
    }

    private static Object[] children(Object group) throws ReflectiveOperationException {
        Object children = CHILDREN.get(group);
        return children instanceof Object[] ? (Object[]) children : new Object[0];
    }

    /** The child's thread once started, else null; null too for children of other kinds. */
    private static Thread thread(Object child) throws ReflectiveOperationException {
        return THREAD.declaredFor(child) ? (Thread) THREAD.get(child) : null;
    }

    private static boolean live(Thread thread) {
        return thread != null && thread.getState() != Thread.State.NEW
                && thread.getState() != Thread.State.TERMINATED;
    }

    /**
     * What SingleThreadEventExecutor.pendingTasks() counts (SingleThreadEventLoop adds its tail
     * tasks), read from the queues: their size() neither locks for long nor wakes the loop
     * (JCTools' MPSC queues count without locking, LinkedBlockingQueue reads an atomic count).
     */
    private static long pendingTasks(Object child) throws ReflectiveOperationException {
        long pending = TASK_QUEUE.declaredFor(child) ? size(TASK_QUEUE.get(child)) : 0;
        if (TAIL_TASKS.declaredFor(child)) {
            pending += size(TAIL_TASKS.get(child));
        }
        return pending;
    }

    private static long size(Object queue) {
        return queue instanceof Queue ? ((Queue<?>) queue).size() : 0;
    }
}
