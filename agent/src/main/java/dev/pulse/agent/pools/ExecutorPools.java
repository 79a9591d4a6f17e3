package dev.pulse.agent.pools;

import dev.pulse.agent.AgentLog;
import dev.pulse.agent.sample.SampleSource;
import dev.pulse.agent.sample.SampleTask;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Every ThreadPoolExecutor (scheduled ones included) and ForkJoinPool the JVM creates, announced
 * by their woven constructors and held weakly. An executor is exported once it has had a thread,
 * under a name taken from its threads' names ("delivery-3" names "delivery"), else from the code
 * that created it. Executors the JDK creates are named "jdk:...", the agent's own "pulse:...".
 */
public final class ExecutorPools implements SampleSource, SampleTask {

    /** Executors followed at once, at most; more are ignored (said once, each counted), to bound the series. */
    static final int MAX_EXECUTORS = 500;
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private final Predicate<String> excluded;
    private final int limit;
    private final Runnable overflow;
    private final PoolNames names = new PoolNames();
    /** Guarded by this. */
    private final List<Entry> entries = new ArrayList<>();
    /** A copy of {@link #entries}, replaced under the lock, for the lock-free look-ups of failures. */
    private volatile Entry[] published = new Entry[0];
    /** The threads of the ThreadPoolExecutors, as their Worker constructors report them. */
    private final PoolThreads<Entry> threads = new PoolThreads<>();
    private volatile List<Reading> readings = List.of();
    private boolean warnedFull;
    private final List<GaugeWithCallback> gauges = new ArrayList<>();
    private final List<CounterWithCallback> counters = new ArrayList<>();

    public ExecutorPools(Predicate<String> excluded, Labels constLabels, PrometheusProperties properties) {
        this(excluded, MAX_EXECUTORS, () -> { }, constLabels, properties);
    }

    /** {@code maxSeries}: pulse.metrics.max_series; {@code overflow} counts each executor left out. */
    public ExecutorPools(Predicate<String> excluded, int maxSeries, Runnable overflow, Labels constLabels,
            PrometheusProperties properties) {
        this.excluded = excluded;
        this.limit = Math.min(MAX_EXECUTORS, maxSeries);
        this.overflow = overflow;
        gauges.add(gauge(properties, constLabels, "pulse_executor_threads", "Threads in the pool.", r -> r.threads));
        gauges.add(gauge(properties, constLabels, "pulse_executor_active_threads", "Threads running a task.",
                r -> r.active));
        gauges.add(gauge(properties, constLabels, "pulse_executor_max_threads",
                "Most threads the pool can reach: its maximum, its core size when its queue is unbounded,"
                        + " a ForkJoinPool's parallelism.", r -> r.max));
        gauges.add(gauge(properties, constLabels, "pulse_executor_queued_tasks", "Tasks waiting in the queue.",
                r -> r.queued));
        counters.add(counter(properties, constLabels, "pulse_executor_completed_tasks_total",
                "Tasks completed (ThreadPoolExecutor).", r -> r.completed));
        counters.add(counter(properties, constLabels, "pulse_executor_rejected_tasks_total",
                "Tasks rejected (ThreadPoolExecutor).", r -> r.rejected));
        counters.add(counter(properties, constLabels, "pulse_executor_failed_tasks_total",
                "Tasks that ended by throwing.", r -> r.failed));
    }

    private GaugeWithCallback gauge(PrometheusProperties properties, Labels constLabels, String name, String help,
            ToLongFunction<Reading> value) {
        return GaugeWithCallback.builder(properties).name(name).help(help).labelNames("executor")
                .constLabels(constLabels)
                .callback(callback -> {
                    for (Reading reading : readings) {
                        callback.call(value.applyAsLong(reading), reading.name);
                    }
                })
                .build();
    }

    private CounterWithCallback counter(PrometheusProperties properties, Labels constLabels, String name,
            String help, ToLongFunction<Reading> value) {
        return CounterWithCallback.builder(properties).name(name).help(help).labelNames("executor")
                .constLabels(constLabels)
                .callback(callback -> {
                    for (Reading reading : readings) {
                        long number = value.applyAsLong(reading);
                        if (number >= 0) {
                            callback.call(number, reading.name);
                        }
                    }
                })
                .build();
    }

    @Override
    public void register(PrometheusRegistry registry) {
        gauges.forEach(registry::register);
        counters.forEach(registry::register);
    }

    @Override
    public List<SampleTask> tasks() {
        return List.of(this);
    }

    @Override
    public String name() {
        return "executors";
    }

    /** From the woven constructors, on the creating thread: runs once per constructor in the chain. */
    public void created(Object executor) {
        if (find(executor) != null) {
            return;
        }
        Site site = creationSite(executor);
        synchronized (this) {
            if (findLocked(executor) == null) {
                add(executor, site, true);
            }
        }
    }

    /** From ThreadPoolExecutor's worker constructor: the first thread's name names the executor. */
    public void threadCreated(Object executor, Thread thread) {
        Entry entry;
        synchronized (this) {
            entry = findLocked(executor);
            if (entry == null) {
                // Made before the agent started (where is unknown), or left out by the cap,
                // which counted it when it was made.
                entry = add(executor, null, false);
            }
        }
        if (entry != null && thread != null) {
            threads.add(thread, entry);
            if (entry.threadName == null) {
                entry.threadName = thread.getName();
            }
        }
    }

    /**
     * A task ended by throwing on {@code executor} (any pool object this class follows), or, when
     * it is null, on the executor {@code Thread.currentThread()} works for; nothing when that is
     * not known. Neither locks nor allocates.
     */
    public void taskFailed(Object executor) {
        Entry entry = executor != null ? published(executor) : entryOf(Thread.currentThread());
        if (entry != null) {
            entry.failed.increment();
        }
    }

    /**
     * The name of the executor {@code thread} works for: a ThreadPoolExecutor's worker or a
     * ForkJoinPool's; null for any other thread. Before the sampler has named the executor, the
     * name it will most likely take (its first thread's name without the counter). Neither
     * locks nor allocates once the executor is named.
     */
    public String executorOf(Thread thread) {
        Entry entry = entryOf(thread);
        if (entry == null) {
            return null;
        }
        String name = entry.name;
        if (name != null) {
            return name;
        }
        String threadName = entry.threadName != null ? entry.threadName : thread.getName();
        String prefix = PoolNames.threadPrefix(threadName);
        String owner = entry.site == null ? "" : entry.site.owner;
        if (prefix != null) {
            return owner + prefix;
        }
        return entry.site != null ? owner + entry.site.where : null;
    }

    private Entry entryOf(Thread thread) {
        if (thread instanceof ForkJoinWorkerThread) {
            return published(((ForkJoinWorkerThread) thread).getPool());
        }
        return threads.poolOf(thread);
    }

    private Entry published(Object executor) {
        Entry[] current = published;
        for (int i = current.length - 1; i >= 0; i--) {
            if (current[i].executor.get() == executor) {
                return current[i];
            }
        }
        return null;
    }

    public void rejected(Object executor) {
        Entry entry = find(executor);
        if (entry != null) {
            entry.rejected.increment();
        }
    }

    /**
     * The common pool is made before any agent starts, so it is added by hand. It is fetched
     * before this object's lock is taken: ForkJoinPool's class initializer makes the common pool,
     * whose woven constructor reports to {@link #created} and so takes this lock, so fetching it
     * under the lock while another thread initializes ForkJoinPool would deadlock both threads.
     */
    public void addCommonPool() {
        ForkJoinPool common = ForkJoinPool.commonPool();
        synchronized (this) {
            if (findLocked(common) == null) {
                add(common, null, true);
            }
        }
    }

    private Entry add(Object executor, Site site, boolean countOverflow) {
        if (entries.size() >= limit) {
            if (countOverflow) {
                overflow.run();
            }
            if (!warnedFull) {
                warnedFull = true;
                AgentLog.warn("more than " + limit + " live executors; the others are not exported"
                        + " (counted in pulse_series_overflow_total)");
            }
            return null;
        }
        Entry entry = new Entry(executor, site);
        entries.add(entry);
        published = entries.toArray(new Entry[0]);
        return entry;
    }

    private Entry find(Object executor) {
        synchronized (this) {
            return findLocked(executor);
        }
    }

    private Entry findLocked(Object executor) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry entry = entries.get(i);
            if (entry.executor.get() == executor) {
                return entry;
            }
        }
        return null;
    }

    /**
     * Where the executor was made: the first frame outside the executor's own constructors and
     * the JDK's executor factories.
     */
    static Site creationSite(Object executor) {
        return WALKER.walk(frames -> frames
                .filter(frame -> {
                    Class<?> type = frame.getDeclaringClass();
                    String name = type.getName();
                    return !name.startsWith("dev.pulse.agent.bridge.")
                            && type != ExecutorPools.class
                            && !name.equals("dev.pulse.agent.AgentHooks")
                            && !name.equals("java.util.concurrent.Executors")
                            && !(type.isInstance(executor) && frame.getMethodName().equals("<init>"));
                })
                .findFirst()
                .map(frame -> new Site(owner(frame.getDeclaringClass().getName()),
                        simpleName(frame.getDeclaringClass()) + "." + frame.getMethodName()))
                .orElse(null));
    }

    private static String simpleName(Class<?> type) {
        String name = type.getName();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /** "jdk:" for the JDK's own executors, "pulse:" for the agent's, else nothing. */
    static String owner(String className) {
        if (className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.")
                || className.startsWith("com.sun.")) {
            return "jdk:";
        }
        return className.startsWith("dev.pulse.agent.") ? "pulse:" : "";
    }

    /** One pass: names the executors that have had a thread, reads them, drops the shut-down and collected. */
    @Override
    public void run(Errors errors) {
        List<Entry> current;
        synchronized (this) {
            current = new ArrayList<>(entries);
        }
        ForkJoinPool common = ForkJoinPool.commonPool();
        List<Reading> next = new ArrayList<>(current.size());
        for (Entry entry : current) {
            Object executor = entry.executor.get();
            try {
                if (executor == null || isShutdown(executor)) {
                    forget(entry);
                    continue;
                }
                if (entry.name == null && !name(entry, executor, common)) {
                    continue;
                }
                if (!entry.excluded) {
                    next.add(read(entry, executor));
                }
            } catch (RuntimeException e) {
                errors.failed("executor:" + (entry.name == null ? "?" : entry.name), String.valueOf(e));
            }
        }
        readings = List.copyOf(next);
    }

    /**
     * A shut-down executor takes no more tasks: it is no longer exported and its name is free, so
     * an executor rebuilt in its place (a refresh, a redeploy) takes the plain name, not "name#2".
     */
    private static boolean isShutdown(Object executor) {
        if (executor instanceof ThreadPoolExecutor) {
            return ((ThreadPoolExecutor) executor).isShutdown();
        }
        return executor instanceof ForkJoinPool && ((ForkJoinPool) executor).isShutdown();
    }

    private boolean name(Entry entry, Object executor, ForkJoinPool common) {
        String wanted;
        if (executor == common) {
            wanted = "jdk:common-pool";
        } else {
            String threadName = entry.threadName;
            if (threadName == null && executor instanceof ForkJoinPool) {
                threadName = firstWorkerName((ForkJoinPool) executor);
            }
            if (threadName == null) {
                return false;
            }
            String prefix = PoolNames.threadPrefix(threadName);
            Site site = entry.site;
            if (prefix != null) {
                wanted = (site == null ? "" : site.owner) + prefix;
            } else if (site != null) {
                wanted = site.owner + site.where;
            } else {
                wanted = simpleName(executor.getClass());
            }
        }
        entry.name = names.claim(wanted);
        entry.excluded = excluded.test(entry.name);
        return true;
    }

    /** A ForkJoinPool's threads say which pool they work for; the first one found names it. */
    private static String firstWorkerName(ForkJoinPool pool) {
        if (pool.getPoolSize() == 0) {
            return null;
        }
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int count = root.enumerate(threads, true);
        for (int i = 0; i < count; i++) {
            if (threads[i] instanceof ForkJoinWorkerThread && ((ForkJoinWorkerThread) threads[i]).getPool() == pool) {
                return threads[i].getName();
            }
        }
        return null;
    }

    private static Reading read(Entry entry, Object executor) {
        if (executor instanceof ThreadPoolExecutor) {
            ThreadPoolExecutor pool = (ThreadPoolExecutor) executor;
            return new Reading(entry.name, pool.getPoolSize(), pool.getActiveCount(), reachableMax(pool),
                    pool.getQueue().size(), pool.getCompletedTaskCount(), entry.rejected.sum(), entry.failed.sum());
        }
        ForkJoinPool pool = (ForkJoinPool) executor;
        return new Reading(entry.name, pool.getPoolSize(), pool.getActiveThreadCount(), pool.getParallelism(),
                pool.getQueuedSubmissionCount() + pool.getQueuedTaskCount(), -1, -1, entry.failed.sum());
    }

    /**
     * The most threads the executor can actually have. A ThreadPoolExecutor adds threads beyond
     * its core size only when its queue refuses a task, so with a queue that never refuses (a
     * ScheduledThreadPoolExecutor's, an unbounded LinkedBlockingQueue's) it stops at its core
     * size, or at one thread when its core size is 0; its configured maximum is never reached.
     */
    static int reachableMax(ThreadPoolExecutor pool) {
        int max = pool.getMaximumPoolSize();
        if (!neverRefuses(pool.getQueue())) {
            return max;
        }
        return Math.min(max, Math.max(pool.getCorePoolSize(), 1));
    }

    /** A queue with room for more than a billion tasks is taken as one that never refuses. */
    private static boolean neverRefuses(java.util.concurrent.BlockingQueue<Runnable> queue) {
        return queue.remainingCapacity() > Integer.MAX_VALUE / 2;
    }

    private synchronized void forget(Entry entry) {
        entries.remove(entry);
        published = entries.toArray(new Entry[0]);
        if (entry.name != null) {
            names.release(entry.name);
        }
    }

    private static final class Entry {
        final WeakReference<Object> executor;
        /** Null when the executor predates the agent. */
        final Site site;
        final LongAdder rejected = new LongAdder();
        /** Tasks that ended by throwing, from {@link #taskFailed}. */
        final LongAdder failed = new LongAdder();
        volatile String threadName;
        /** Sampler thread only, once set. */
        volatile String name;
        volatile boolean excluded;

        Entry(Object executor, Site site) {
            this.executor = new WeakReference<>(executor);
            this.site = site;
        }
    }

    /** Where an executor was made: "Class.method", and its owner, "jdk:", "pulse:" or "". */
    static final class Site {
        final String owner;
        final String where;

        Site(String owner, String where) {
            this.owner = owner;
            this.where = where;
        }
    }

    private static final class Reading {
        final String name;
        final long threads;
        final long active;
        final long max;
        final long queued;
        final long completed;
        final long rejected;
        final long failed;

        Reading(String name, long threads, long active, long max, long queued, long completed, long rejected,
                long failed) {
            this.name = name;
            this.threads = threads;
            this.active = active;
            this.max = max;
            this.queued = queued;
            this.completed = completed;
            this.rejected = rejected;
            this.failed = failed;
        }
    }
}
