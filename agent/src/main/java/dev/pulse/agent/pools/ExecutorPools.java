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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Every ThreadPoolExecutor (scheduled ones included) and ForkJoinPool the JVM creates, and every
 * pool of the framework kinds in {@link ExecutorKind#ALL}, announced by their woven constructors
 * and held weakly. An executor is exported once it has had a thread, under a name taken from its
 * threads' names ("delivery-3" names "delivery"), else from the code that created it. Executors
 * the JDK creates are named "jdk:...", the agent's own "pulse:...". Each pass also reads the CPU
 * time and allocated bytes of each executor's threads (see {@link ThreadCosts}).
 */
public final class ExecutorPools implements SampleSource, SampleTask {

    /** Executors followed at once, at most; more are ignored (said once, each counted), to bound the series. */
    static final int MAX_EXECUTORS = 500;
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private final List<ExecutorKind> kinds;
    private final Predicate<String> excluded;
    private final int limit;
    private final Runnable overflow;
    private final PoolNames names = new PoolNames();
    /** Guarded by this. */
    private final List<Entry> entries = new ArrayList<>();
    /** A copy of {@link #entries}, replaced under the lock, for the lock-free look-ups of failures. */
    private volatile Entry[] published = new Entry[0];
    /** The threads the executors' worker constructors report, for the lock-free look-ups of failures. */
    private final PoolThreads<Entry> poolThreads = new PoolThreads<>();
    /** The executors of the framework kinds known so far, for the woven methods' quick return. */
    private volatile WeakReference<?>[] known = new WeakReference<?>[0];
    private volatile List<Reading> readings = List.of();
    private boolean warnedFull;
    /** True while the cap is reached: the woven methods of framework kinds then return at once, without the lock. */
    private volatile boolean full;
    /** Passes run so far; sampler thread only. */
    private long passes;
    /** Per class, whether it is (or extends) each kind's class: asked once per class, not per call. */
    private final ClassValue<boolean[]> kindClasses = new ClassValue<>() {
        @Override
        protected boolean[] computeValue(Class<?> type) {
            boolean[] is = new boolean[kinds.size()];
            for (int i = 0; i < is.length; i++) {
                for (Class<?> at = type; at != null && !is[i]; at = at.getSuperclass()) {
                    is[i] = at.getName().equals(kinds.get(i).className());
                }
            }
            return is;
        }
    };
    private final List<GaugeWithCallback> gauges = new ArrayList<>();
    private final List<CounterWithCallback> counters = new ArrayList<>();

    public ExecutorPools(Predicate<String> excluded, Labels constLabels, PrometheusProperties properties) {
        this(ExecutorKind.ALL, excluded, MAX_EXECUTORS, () -> { }, constLabels, properties);
    }

    /**
     * {@code kinds}: the framework kinds, indexed by the ids the woven code passes;
     * {@code maxSeries}: pulse.metrics.max_series; {@code overflow} counts each executor left out.
     */
    public ExecutorPools(List<ExecutorKind> kinds, Predicate<String> excluded, int maxSeries, Runnable overflow,
            Labels constLabels, PrometheusProperties properties) {
        this.kinds = kinds;
        this.excluded = excluded;
        this.limit = Math.min(MAX_EXECUTORS, maxSeries);
        this.overflow = overflow;
        gauges.add(gauge(properties, constLabels, "pulse_executor_threads", "Threads in the pool.", r -> r.threads));
        gauges.add(gauge(properties, constLabels, "pulse_executor_active_threads", "Threads running a task.",
                r -> r.active));
        gauges.add(gauge(properties, constLabels, "pulse_executor_max_threads",
                "Most threads the pool can reach: its maximum, its core size when its queue is unbounded,"
                        + " a ForkJoinPool's parallelism.", r -> r.max));
        gauges.add(gauge(properties, constLabels, "pulse_executor_idle_threads",
                "Threads waiting for a task, where the pool counts them itself.", r -> r.idle));
        gauges.add(gauge(properties, constLabels, "pulse_executor_queued_tasks", "Tasks waiting in the queue.",
                r -> r.queued));
        counters.add(counter(properties, constLabels, "pulse_executor_completed_tasks_total",
                "Tasks completed, where the pool counts them.", r -> r.completed, 1));
        counters.add(counter(properties, constLabels, "pulse_executor_rejected_tasks_total",
                "Tasks rejected, where the pool rejects tasks.", r -> r.rejected, 1));
        counters.add(counter(properties, constLabels, "pulse_executor_cpu_seconds_total",
                "CPU time of the pool's threads, read by the sampler; a thread's last moments before it ends"
                        + " are lost.", r -> r.cpuNanos, 1e-9));
        counters.add(counter(properties, constLabels, "pulse_executor_allocated_bytes_total",
                "Bytes allocated by the pool's threads, read by the sampler; a thread's last moments before it"
                        + " ends are lost.", r -> r.allocatedBytes, 1));
        counters.add(counter(properties, constLabels, "pulse_executor_failed_tasks_total",
                "Tasks that ended by throwing (the JDK's executors).", r -> r.failed, 1));
    }

    private GaugeWithCallback gauge(PrometheusProperties properties, Labels constLabels, String name, String help,
            ToLongFunction<Reading> value) {
        return GaugeWithCallback.builder(properties).name(name).help(help).labelNames("executor")
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

    private CounterWithCallback counter(PrometheusProperties properties, Labels constLabels, String name,
            String help, ToLongFunction<Reading> value, double scale) {
        return CounterWithCallback.builder(properties).name(name).help(help).labelNames("executor")
                .constLabels(constLabels)
                .callback(callback -> {
                    for (Reading reading : readings) {
                        long number = value.applyAsLong(reading);
                        if (number >= 0) {
                            callback.call(number * scale, reading.name);
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

    /**
     * From the woven constructors of a framework kind (several times for one pool: constructor
     * chains, subclasses) and from its woven per-task method, so that a pool made before the
     * agent was attached is found at its next use. A pool already known returns at once, without
     * locking or allocating.
     */
    public void created(int kind, Object executor) {
        WeakReference<?>[] current = known;
        for (WeakReference<?> reference : current) {
            if (reference.get() == executor) {
                return;
            }
        }
        // The per-task method is woven where it is declared, which other classes may extend too.
        if (full || !kindClasses.get(executor.getClass())[kind]) {
            return;
        }
        ExecutorKind executorKind = kinds.get(kind);
        Site site = creationSite(executor);
        synchronized (this) {
            if (findLocked(executor) == null) {
                Entry entry = add(executor, site, true);
                if (entry != null) {
                    entry.kind = executorKind;
                    publishKnown();
                }
            }
        }
    }

    /** The framework kind of {@code executor}, or null for the JDK's own executors. */
    private ExecutorKind kindOf(Object executor) {
        if (executor instanceof ThreadPoolExecutor || executor instanceof ForkJoinPool) {
            return null;
        }
        boolean[] is = kindClasses.get(executor.getClass());
        for (int i = 0; i < is.length; i++) {
            if (is[i]) {
                return kinds.get(i);
            }
        }
        return null;
    }

    private void publishKnown() {
        List<WeakReference<?>> next = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.kind != null) {
                next.add(entry.executor);
            }
        }
        known = next.toArray(new WeakReference<?>[0]);
    }

    /**
     * From the worker constructors of ThreadPoolExecutor and of the kinds that declare one: the
     * first thread's name names the executor, and each thread's CPU time is counted as its.
     */
    public void threadCreated(Object executor, Thread thread) {
        Entry entry;
        synchronized (this) {
            entry = findLocked(executor);
            if (entry == null) {
                // Made before the agent started (where is unknown), or left out by the cap,
                // which counted it when it was made.
                entry = add(executor, null, false);
                if (entry != null) {
                    entry.kind = kindOf(executor);
                    if (entry.kind != null) {
                        publishKnown();
                    }
                }
            }
        }
        if (entry != null && thread != null) {
            if (entry.threadName == null) {
                entry.threadName = thread.getName();
            }
            entry.addThread(thread);
            poolThreads.add(thread, entry);
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
     * The name of the executor {@code thread} works for: a worker its worker constructor reported
     * (a ThreadPoolExecutor's, a framework kind's), or a ForkJoinPool's; null for any other
     * thread. Before the sampler has named the executor, the name it will most likely take (its
     * first thread's name without the counter). Neither locks nor allocates once the executor is
     * named.
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
        // Not named yet (its first thread died before a sampler pass): it is named now, as the
        // sampler would name it, so the death and the executor's own series carry one name.
        Object executor = entry.executor.get();
        if (executor == null) {
            return null;
        }
        String wanted;
        if (executor == ForkJoinPool.commonPool()) {
            wanted = "jdk:common-pool";
        } else if (executor instanceof ForkJoinPool && VirtualThreadScheduler.is(
                entry.site == null || !entry.site.owner.equals("jdk:") ? null : entry.site.where, List.of(thread))) {
            wanted = VirtualThreadScheduler.NAME;
        } else {
            wanted = wantedName(entry, executor, entry.threadName != null ? entry.threadName : thread.getName());
        }
        return claimName(entry, wanted);
    }

    /** The name an executor asks for, from one of its threads' names, else where it was made. */
    private static String wantedName(Entry entry, Object executor, String threadName) {
        String prefix = PoolNames.threadPrefix(threadName);
        Site site = entry.site;
        // A kind's own prefix, else the maker's: a JDK class's pool (a thread-per-task executor of
        // the JDK's own) is "jdk:..." whatever its kind.
        String owner = entry.kind != null && !entry.kind.owner().isEmpty() ? entry.kind.owner()
                : site == null ? "" : site.owner;
        if (prefix != null) {
            return owner + prefix;
        }
        if (site != null) {
            return owner + site.where;
        }
        return owner + simpleName(executor.getClass());
    }

    /** Names the entry once, whichever thread (the sampler's, a dying worker's) comes first. */
    private String claimName(Entry entry, String wanted) {
        synchronized (entry) {
            if (entry.name == null) {
                String claimed = names.claim(wanted);
                entry.excluded = excluded.test(claimed);
                entry.name = claimed;
            }
            return entry.name;
        }
    }

    private Entry entryOf(Thread thread) {
        if (thread instanceof ForkJoinWorkerThread) {
            return published(((ForkJoinWorkerThread) thread).getPool());
        }
        return poolThreads.poolOf(thread);
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
            full = true;
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
     * Where the executor was made: the first frame outside the executor's own class (its
     * constructors and static factories, such as ThreadPerTaskExecutor.create) and the JDK's
     * executor factories.
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
                            && !type.isInstance(executor);
                })
                .findFirst()
                .map(frame -> new Site(owner(frame.getDeclaringClass().getName()),
                        simpleName(frame.getDeclaringClass()) + "." + methodName(frame.getMethodName())))
                .orElse(null));
    }

    /**
     * A lambda's method "lambda$main$17" is named after the method it is written in, "main": the
     * compiler's number changes with the code around it.
     */
    static String methodName(String method) {
        if (method.startsWith("lambda$")) {
            int end = method.lastIndexOf('$');
            if (end > "lambda$".length()) {
                return method.substring("lambda$".length(), end);
            }
        }
        return method;
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

    /**
     * One pass: names the executors that have had a thread, reads them and their threads' CPU
     * time and allocations, drops the shut-down and collected.
     */
    @Override
    public void run(Errors errors) {
        List<Entry> current;
        synchronized (this) {
            current = new ArrayList<>(entries);
        }
        ForkJoinPool common = ForkJoinPool.commonPool();
        Map<ForkJoinPool, List<Thread>> forkJoinThreads = forkJoinThreads();
        current = addVirtualThreadScheduler(current, forkJoinThreads);
        List<Reading> next = new ArrayList<>(current.size());
        List<List<Thread>> threadsOfEach = new ArrayList<>(current.size());
        for (Entry entry : current) {
            Object executor = entry.executor.get();
            try {
                // A framework pool is judged shut down only once named: Jetty's reads as stopped before it starts.
                if (executor == null || (entry.kind == null || entry.name != null) && isShutdown(entry, executor)) {
                    forget(entry);
                    continue;
                }
                if (entry.name == null && !name(entry, executor, common, forkJoinThreads)) {
                    continue;
                }
                if (!entry.excluded) {
                    Reading reading = read(entry, executor);
                    List<Thread> threads = threads(entry, executor, forkJoinThreads);
                    next.add(reading);
                    threadsOfEach.add(threads);
                }
            } catch (RuntimeException | ReflectiveOperationException | LinkageError e) {
                errors.failed("executor:" + (entry.name == null ? "?" : entry.name), String.valueOf(e));
            }
        }
        // The first pass runs as the service starts: the JVM's thread management classes are
        // loaded from the second on, off the start-up's path.
        if (passes++ > 0) {
            readCosts(next, threadsOfEach);
        }
        readings = List.copyOf(next);
    }

    /**
     * The JDK's virtual-thread scheduler, when it was made before the agent started (an attach):
     * found by its carrier threads, as the common pool is added by hand.
     */
    private List<Entry> addVirtualThreadScheduler(List<Entry> current, Map<ForkJoinPool, List<Thread>> forkJoinThreads) {
        for (Map.Entry<ForkJoinPool, List<Thread>> pool : forkJoinThreads.entrySet()) {
            if (VirtualThreadScheduler.is(null, pool.getValue())) {
                synchronized (this) {
                    // Looked for every pass: a scheduler left out by the cap is not counted again.
                    if (findLocked(pool.getKey()) == null && add(pool.getKey(), null, false) != null) {
                        current = new ArrayList<>(entries);
                    }
                }
            }
        }
        return current;
    }

    /** The live threads of each ForkJoinPool: its workers say which pool they work for. */
    private static Map<ForkJoinPool, List<Thread>> forkJoinThreads() {
        Map<ForkJoinPool, List<Thread>> byPool = new IdentityHashMap<>();
        for (Thread thread : platformThreads()) {
            if (thread instanceof ForkJoinWorkerThread) {
                byPool.computeIfAbsent(((ForkJoinWorkerThread) thread).getPool(), pool -> new ArrayList<>())
                        .add(thread);
            }
        }
        return byPool;
    }

    private static Thread[] platformThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int count = root.enumerate(threads, true);
        return count == threads.length ? threads : java.util.Arrays.copyOf(threads, count);
    }

    /** The executor's live threads: those its workers reported, those its kind lists, a ForkJoinPool's workers. */
    private static List<Thread> threads(Entry entry, Object executor, Map<ForkJoinPool, List<Thread>> forkJoinThreads)
            throws ReflectiveOperationException {
        List<Thread> threads = entry.liveThreads();
        if (executor instanceof ForkJoinPool) {
            threads.addAll(forkJoinThreads.getOrDefault(executor, List.of()));
        }
        if (entry.kind != null) {
            entry.kind.threads(executor, threads::add);
        }
        return threads;
    }

    /** Reads every thread of the pass in one call, then adds each executor's up. */
    private static void readCosts(List<Reading> readings, List<List<Thread>> threadsOfEach) {
        if (!ThreadCosts.cpuAvailable() && !ThreadCosts.allocationAvailable()) {
            return;
        }
        int total = 0;
        for (List<Thread> threads : threadsOfEach) {
            total += threads.size();
        }
        long[] ids = new long[total];
        int at = 0;
        for (List<Thread> threads : threadsOfEach) {
            for (Thread thread : threads) {
                ids[at++] = thread.getId();
            }
        }
        long[] cpu = new long[total];
        long[] allocated = new long[total];
        ThreadCosts.read(ids, cpu, allocated);
        at = 0;
        for (int i = 0; i < readings.size(); i++) {
            Reading reading = readings.get(i);
            int count = threadsOfEach.get(i).size();
            ThreadCosts costs = reading.entry.costs;
            costs.update(ids, cpu, allocated, at, at + count);
            at += count;
            if (reading.entry.kind != null && !reading.entry.kind.threadCosts()) {
                continue;
            }
            reading.cpuNanos = costs.cpuNanos();
            reading.allocatedBytes = costs.allocatedBytes();
        }
    }

    /**
     * A shut-down executor takes no more tasks: it is no longer exported and its name is free, so
     * an executor rebuilt in its place (a refresh, a redeploy) takes the plain name, not "name#2".
     */
    private static boolean isShutdown(Entry entry, Object executor) throws ReflectiveOperationException {
        if (entry.kind != null) {
            return entry.kind.shutdown(executor);
        }
        if (executor instanceof ThreadPoolExecutor) {
            return ((ThreadPoolExecutor) executor).isShutdown();
        }
        return executor instanceof ForkJoinPool && ((ForkJoinPool) executor).isShutdown();
    }

    private boolean name(Entry entry, Object executor, ForkJoinPool common,
            Map<ForkJoinPool, List<Thread>> forkJoinThreads) throws ReflectiveOperationException {
        String wanted;
        if (executor == common) {
            // Exported once it has had a thread, as any executor; a service may never use it.
            List<Thread> workers = forkJoinThreads.get(common);
            if (common.getPoolSize() == 0 && (workers == null || workers.isEmpty())) {
                return false;
            }
            wanted = "jdk:common-pool";
        } else if (executor instanceof ForkJoinPool && VirtualThreadScheduler.is(
                entry.site == null || !entry.site.owner.equals("jdk:") ? null : entry.site.where,
                forkJoinThreads.get(executor))) {
            wanted = VirtualThreadScheduler.NAME;
        } else {
            String threadName = entry.threadName;
            if (threadName == null && executor instanceof ForkJoinPool) {
                List<Thread> workers = forkJoinThreads.get(executor);
                threadName = workers == null || workers.isEmpty() ? null : workers.get(0).getName();
            }
            if (threadName == null && entry.kind != null) {
                threadName = entry.kind.threadName(executor);
            }
            if (threadName == null) {
                return false;
            }
            wanted = wantedName(entry, executor, threadName);
        }
        claimName(entry, wanted);
        return true;
    }

    private static Reading read(Entry entry, Object executor) throws ReflectiveOperationException {
        if (entry.kind != null) {
            ExecutorReading values = entry.kind.read(executor);
            if (entry.kind.rejectMethodName() != null) {
                values = values.withRejected(entry.rejected.sum());
            }
            return new Reading(entry, values);
        }
        if (executor instanceof ThreadPoolExecutor) {
            ThreadPoolExecutor pool = (ThreadPoolExecutor) executor;
            return new Reading(entry, new ExecutorReading(pool.getPoolSize(), pool.getActiveCount(),
                    ExecutorReading.ABSENT, reachableMax(pool), pool.getQueue().size(), pool.getCompletedTaskCount(),
                    entry.rejected.sum()));
        }
        ForkJoinPool pool = (ForkJoinPool) executor;
        return new Reading(entry, new ExecutorReading(pool.getPoolSize(), pool.getActiveThreadCount(),
                ExecutorReading.ABSENT, pool.getParallelism(),
                pool.getQueuedSubmissionCount() + pool.getQueuedTaskCount(), ExecutorReading.ABSENT,
                ExecutorReading.ABSENT));
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

    /**
     * A queue with room for more than a billion tasks is taken as one that never refuses, unless
     * its class overrides {@code offer} (the "grow to the maximum before queuing" recipe: a
     * LinkedBlockingQueue whose offer() refuses while the pool can still grow).
     */
    private static boolean neverRefuses(java.util.concurrent.BlockingQueue<Runnable> queue) {
        return queue.remainingCapacity() > Integer.MAX_VALUE / 2 && !OWN_OFFER.get(queue.getClass());
    }

    /** Per queue class: true when offer(Object) is declared outside the JDK. */
    private static final ClassValue<Boolean> OWN_OFFER = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return !type.getMethod("offer", Object.class).getDeclaringClass().getName().startsWith("java.");
            } catch (NoSuchMethodException | SecurityException e) {
                return Boolean.FALSE;
            }
        }
    };

    private synchronized void forget(Entry entry) {
        entries.remove(entry);
        published = entries.toArray(new Entry[0]);
        full = entries.size() >= limit;
        if (entry.kind != null) {
            publishKnown();
        }
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
        /** The framework kind, null for the JDK's executors; set once, before the entry is published. */
        volatile ExecutorKind kind;
        volatile String threadName;
        /** Sampler thread only, once set. */
        volatile String name;
        volatile boolean excluded;
        /** Threads reported by the executor's worker constructors, held weakly; guarded by itself. */
        private final List<WeakReference<Thread>> threads = new ArrayList<>();
        /** Sampler thread only. */
        final ThreadCosts costs = new ThreadCosts();

        Entry(Object executor, Site site) {
            this.executor = new WeakReference<>(executor);
            this.site = site;
        }

        void addThread(Thread thread) {
            synchronized (threads) {
                threads.add(new WeakReference<>(thread));
            }
        }

        /** The reported threads that have not ended; the ended ones are forgotten. */
        List<Thread> liveThreads() {
            List<Thread> live = new ArrayList<>();
            synchronized (threads) {
                for (java.util.Iterator<WeakReference<Thread>> it = threads.iterator(); it.hasNext(); ) {
                    Thread thread = it.next().get();
                    if (thread == null || thread.getState() == Thread.State.TERMINATED) {
                        it.remove();
                    } else if (thread.getState() != Thread.State.NEW) {
                        live.add(thread);
                    }
                }
            }
            return live;
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
        final Entry entry;
        final String name;
        final long threads;
        final long active;
        final long idle;
        final long max;
        final long queued;
        final long completed;
        final long rejected;
        /** The JDK's executors only: a framework kind's failures are not heard (yet). */
        final long failed;
        /** Set before the reading is published. */
        long cpuNanos = ExecutorReading.ABSENT;
        long allocatedBytes = ExecutorReading.ABSENT;

        Reading(Entry entry, ExecutorReading values) {
            this.entry = entry;
            this.name = entry.name;
            this.threads = values.threads;
            this.active = values.active;
            this.idle = values.idle;
            this.max = values.max;
            this.queued = values.queued;
            this.completed = values.completed;
            this.rejected = values.rejected;
            // The virtual-thread scheduler's tasks are virtual threads: one that fails is a thread
            // death, never a failed task, so its count would be a 0 that means "not known".
            this.failed = entry.kind == null && !VirtualThreadScheduler.NAME.equals(entry.name)
                    ? entry.failed.sum() : ExecutorReading.ABSENT;
        }
    }
}
