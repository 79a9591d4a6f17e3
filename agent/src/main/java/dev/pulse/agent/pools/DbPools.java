package dev.pulse.agent.pools;

import dev.pulse.agent.AgentLog;
import dev.pulse.agent.sample.PoolLookup;
import dev.pulse.agent.sample.SampleSource;
import dev.pulse.agent.sample.SampleTask;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.lang.ref.WeakReference;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import javax.sql.DataSource;

/**
 * The JDBC connection pools the service created: announced by the woven constructors, held
 * weakly, read by the sampler and exported as pulse_db_pool_*. HikariCP's connection acquisition
 * is timed too. A pool is exported, lent to SQL gauges and named only once the application has
 * started it; its name (its own, else its URL's) settles then and every series of the pool carries
 * it. A pool is no longer exported once it is closed or collected.
 */
public final class DbPools implements SampleSource, SampleTask, PoolLookup {

    /** Pools followed at once; more are ignored (and said so once), to bound the series. */
    static final int MAX_POOLS = 100;

    private final List<JdbcPoolKind> kinds;
    private final Predicate<String> excluded;
    private final int limit;
    private final Runnable overflow;
    private final PoolNames names = new PoolNames();
    /** Guarded by this; the sampler replaces {@link #readings} from it every pass. */
    private final List<Entry> entries = new ArrayList<>();
    private volatile List<Reading> readings = List.of();
    private volatile AcquireSlot[] slots = new AcquireSlot[0];
    /** The pools of {@link #entries}, for the lock-free check of {@link #created}. */
    private volatile WeakReference<?>[] known = new WeakReference<?>[0];
    private boolean warnedFull;
    private final List<GaugeWithCallback> gauges = new ArrayList<>();
    private final Histogram acquireDuration;
    private final Counter acquireTimeouts;

    /** {@code maxSeries}: pulse.metrics.max_series; {@code overflow} counts each pool left out. */
    public DbPools(List<JdbcPoolKind> kinds, Predicate<String> excluded, int maxSeries, Runnable overflow,
            Labels constLabels, PrometheusProperties properties) {
        this.kinds = List.copyOf(kinds);
        this.excluded = excluded;
        this.limit = Math.min(MAX_POOLS, maxSeries);
        this.overflow = overflow;
        gauges.add(gauge(properties, constLabels, "pulse_db_pool_size", "Connections open in the pool.", r -> r.size));
        gauges.add(gauge(properties, constLabels, "pulse_db_pool_free", "Idle connections in the pool.", r -> r.free));
        gauges.add(gauge(properties, constLabels, "pulse_db_pool_active", "Connections in use.", r -> r.active));
        gauges.add(gauge(properties, constLabels, "pulse_db_pool_pending",
                "Threads waiting for a connection.", r -> r.pending));
        gauges.add(gauge(properties, constLabels, "pulse_db_pool_max", "Configured maximum of connections.",
                r -> r.max));
        this.acquireDuration = Histogram.builder(properties)
                .name("pulse_db_pool_acquire_duration_seconds")
                .help("Time to get a connection from the pool (HikariCP), timeouts included.")
                .labelNames("pool")
                .constLabels(constLabels)
                .classicOnly()
                .classicUpperBounds(0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30)
                .withoutExemplars()
                .build();
        this.acquireTimeouts = Counter.builder(properties)
                .name("pulse_db_pool_acquire_timeouts_total")
                .help("Connection requests that gave up waiting (HikariCP).")
                .labelNames("pool")
                .constLabels(constLabels)
                .withoutExemplars()
                .build();
    }

    private GaugeWithCallback gauge(PrometheusProperties properties, Labels constLabels, String name, String help,
            ToLongFunction<JdbcPoolReading> value) {
        return GaugeWithCallback.builder(properties)
                .name(name)
                .help(help)
                .labelNames("pool")
                .constLabels(constLabels)
                .callback(callback -> {
                    for (Reading reading : readings) {
                        long number = value.applyAsLong(reading.values);
                        if (number != JdbcPoolReading.UNKNOWN) {
                            callback.call(number, reading.name);
                        }
                    }
                })
                .build();
    }

    @Override
    public void register(PrometheusRegistry registry) {
        for (GaugeWithCallback gauge : gauges) {
            registry.register(gauge);
        }
        registry.register(acquireDuration);
        registry.register(acquireTimeouts);
    }

    @Override
    public List<SampleTask> tasks() {
        return List.of(this);
    }

    @Override
    public String name() {
        return "db_pools";
    }

    /**
     * From the woven constructors (several times for one pool: constructor chains, subclasses)
     * and from the woven getConnection(), so that a pool made before the agent was attached is
     * found at its next use. A pool already known returns at once, without locking or allocating.
     */
    public void created(int kind, Object pool) {
        WeakReference<?>[] current = known;
        for (WeakReference<?> reference : current) {
            if (reference.get() == pool) {
                return;
            }
        }
        if (current.length >= limit && warnedFull) {
            return;
        }
        // getConnection() is woven where it is declared, which other data sources may extend too:
        // those are turned away here, without the lock.
        if (Reflection.isA(pool, kinds.get(kind).className())) {
            add(kind, pool);
        }
    }

    private synchronized Entry add(int kind, Object pool) {
        for (Entry entry : entries) {
            if (entry.pool.get() == pool) {
                return entry;
            }
        }
        JdbcPoolKind poolKind = kinds.get(kind);
        if (entries.size() >= limit) {
            overflow.run();
            if (!warnedFull) {
                warnedFull = true;
                AgentLog.warn("more than " + limit + " connection pools; the others are not exported"
                        + " (counted in pulse_series_overflow_total)");
            }
            return null;
        }
        Entry entry = new Entry(poolKind, pool);
        entries.add(entry);
        publishKnown();
        return entry;
    }

    private void publishKnown() {
        WeakReference<?>[] next = new WeakReference<?>[entries.size()];
        for (int i = 0; i < next.length; i++) {
            next[i] = entries.get(i).pool;
        }
        known = next;
    }

    /**
     * From HikariCP's getConnection(timeout), on the application's thread: finds the pool's
     * recorder by identity in a short array, without allocating or locking. Only a pool's first
     * acquisition builds its recorder, under the name its data source settled when the
     * application started it (an excluded pool gets one that records nothing); once the array is
     * full other pools are not recorded.
     */
    public void acquired(Object running, long startNanos, Throwable thrown) {
        long elapsed = System.nanoTime() - startNanos;
        AcquireSlot[] current = slots;
        AcquireSlot slot = null;
        for (AcquireSlot candidate : current) {
            if (candidate.running.get() == running) {
                slot = candidate;
                break;
            }
        }
        if (slot == null) {
            if (current.length >= limit) {
                return;
            }
            slot = newSlot(running);
        }
        if (slot == null || slot.duration == null) {
            return;
        }
        slot.duration.observe(elapsed / 1e9);
        if (thrown instanceof SQLTransientConnectionException) {
            slot.timeouts.inc();
        }
    }

    /** Names the pool outside the lock (its getters are the application's code), then adds the slot. */
    private AcquireSlot newSlot(Object running) {
        Entry entry = null;
        try {
            entry = entryRunning(running);
            if (entry != null && entry.name == null) {
                Object pool = entry.pool.get();
                if (pool == null || !name(entry, pool)) {
                    entry = null;
                }
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            entry = null;
        }
        return addSlot(running, entry);
    }

    private synchronized AcquireSlot addSlot(Object running, Entry entry) {
        for (AcquireSlot candidate : slots) {
            if (candidate.running.get() == running) {
                return candidate;
            }
        }
        if (slots.length >= limit) {
            return null;
        }
        if (entry != null && (entry.name == null || !entries.contains(entry))) {
            entry = null;
        }
        AcquireSlot[] grown = java.util.Arrays.copyOf(slots, slots.length + 1);
        // A pool the agent cannot name (no data source around it) gets a slot that records nothing.
        grown[slots.length] = entry == null || entry.excluded ? new AcquireSlot(running, entry, null, null)
                : new AcquireSlot(running, entry, acquireDuration.labelValues(entry.name),
                        acquireTimeouts.labelValues(entry.name));
        slots = grown;
        return grown[slots.length - 1];
    }

    /** The entry whose pool runs {@code running}; adds the pool when it predates the agent. */
    private Entry entryRunning(Object running) throws ReflectiveOperationException {
        List<Entry> current;
        synchronized (this) {
            current = new ArrayList<>(entries);
        }
        for (Entry entry : current) {
            Object pool = entry.pool.get();
            if (pool != null && entry.kind.runningPool(pool) == running) {
                return entry;
            }
        }
        for (int kind = 0; kind < kinds.size(); kind++) {
            Object pool = kinds.get(kind).dataSourceOf(running);
            if (pool != null) {
                return add(kind, pool);
            }
        }
        return null;
    }

    /**
     * One pass: reads every live pool the application has started; drops the collected and the
     * closed ones. A pool is named at its first pass after its start (or its first timed
     * acquisition, whichever comes first) and keeps that name while it lives.
     */
    @Override
    public void run(Errors errors) {
        List<Entry> current;
        synchronized (this) {
            current = new ArrayList<>(entries);
        }
        List<Reading> next = new ArrayList<>(current.size());
        for (Entry entry : current) {
            Object pool = entry.pool.get();
            try {
                if (pool == null || entry.kind.closed(pool)) {
                    forget(entry);
                    continue;
                }
                if (!entry.kind.started(pool)) {
                    // Not started yet, or closed by dropping its connections (Tomcat JDBC, a c3p0 reset).
                    unname(entry);
                    continue;
                }
                if (entry.name == null && !name(entry, pool)) {
                    continue;
                }
                String name = entry.name;
                if (name != null && !entry.excluded) {
                    next.add(new Reading(name, entry.kind.read(pool), entry.pool));
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                errors.failed("pool:" + (entry.name == null ? entry.kind.className() : entry.name),
                        String.valueOf(e));
            }
        }
        readings = List.copyOf(next);
        forgetCollectedSlots();
    }

    /**
     * Settles the name of a started pool: its own, else its URL's. A closed pool that still holds
     * the name (not yet seen closed) gives it up first, so a pool rebuilt under the same name takes
     * the plain name, not "name#2".
     */
    private boolean name(Entry entry, Object pool) throws ReflectiveOperationException {
        if (entry.name != null) {
            return true;
        }
        String wanted = entry.kind.configuredName(pool);
        if (wanted == null || wanted.isEmpty()) {
            wanted = PoolNames.urlName(entry.kind.url(pool));
        }
        if (wanted == null || wanted.isEmpty()) {
            return false;
        }
        List<Entry> current;
        synchronized (this) {
            current = new ArrayList<>(entries);
        }
        for (Entry other : current) {
            if (other != entry && wanted.equals(other.name) && isGone(other)) {
                forget(other);
            }
        }
        synchronized (this) {
            if (entry.name == null) {
                String name = names.claim(wanted);
                entry.excluded = excluded.test(name);
                entry.name = name;
            }
        }
        return true;
    }

    private static boolean isGone(Entry entry) {
        Object pool = entry.pool.get();
        try {
            return pool == null || entry.kind.closed(pool) || !entry.kind.started(pool);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    private synchronized void forget(Entry entry) {
        if (entries.remove(entry)) {
            publishKnown();
        }
        unname(entry);
    }

    /** The pool's name is free again, and its acquisition series go unless a live pool carries the name. */
    private synchronized void unname(Entry entry) {
        if (entry.name == null) {
            return;
        }
        List<AcquireSlot> kept = new ArrayList<>();
        for (AcquireSlot slot : slots) {
            if (slot.entry != entry) {
                kept.add(slot);
            }
        }
        String name = entry.name;
        entry.name = null;
        names.release(name);
        replaceSlots(kept);
    }

    private synchronized void forgetCollectedSlots() {
        List<AcquireSlot> live = new ArrayList<>();
        for (AcquireSlot slot : slots) {
            if (slot.running.get() != null) {
                live.add(slot);
            }
        }
        replaceSlots(live);
    }

    /**
     * Keeps only {@code kept}; the series of a dropped slot are removed unless a kept slot has
     * the same name: series are removed by name, and a rebuilt pool may carry its predecessor's.
     */
    private void replaceSlots(List<AcquireSlot> kept) {
        if (kept.size() == slots.length) {
            return;
        }
        for (AcquireSlot slot : slots) {
            if (!kept.contains(slot) && slot.duration != null && !named(kept, slot.name)) {
                acquireDuration.remove(slot.name);
                acquireTimeouts.remove(slot.name);
            }
        }
        slots = kept.toArray(new AcquireSlot[0]);
    }

    private static boolean named(List<AcquireSlot> slots, String name) {
        for (AcquireSlot slot : slots) {
            if (slot.duration != null && slot.name.equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The names of the pools exported at the last sample, in the order they were found. */
    @Override
    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (Reading reading : readings) {
            names.add(reading.name);
        }
        return names;
    }

    /**
     * The pool named {@code name}, or for "auto" the first pool found, as a DataSource: every
     * supported pool is one. Null when there is none.
     */
    @Override
    public DataSource find(String name) {
        for (Reading reading : readings) {
            if (("auto".equals(name) || reading.name.equals(name))) {
                Object pool = reading.pool.get();
                return pool instanceof DataSource ? (DataSource) pool : null;
            }
        }
        return null;
    }

    @Override
    public boolean canLend(String name) {
        for (Reading reading : readings) {
            if ("auto".equals(name) || reading.name.equals(name)) {
                JdbcPoolReading values = reading.values;
                boolean full = values.max != JdbcPoolReading.UNKNOWN && values.size >= values.max;
                return values.free != 0 || !full;
            }
        }
        return true;
    }

    private static final class Entry {
        final JdbcPoolKind kind;
        final WeakReference<Object> pool;
        /** Settled under the lock of DbPools once the pool has started; null again once it is closed. */
        volatile String name;
        volatile boolean excluded;

        Entry(JdbcPoolKind kind, Object pool) {
            this.kind = kind;
            this.pool = new WeakReference<>(pool);
        }
    }

    private static final class Reading {
        final String name;
        final JdbcPoolReading values;
        final WeakReference<Object> pool;

        Reading(String name, JdbcPoolReading values, WeakReference<Object> pool) {
            this.name = name;
            this.values = values;
            this.pool = pool;
        }
    }

    /** A running pool's acquisition recorder, kept while its pool lives under the same name. */
    private static final class AcquireSlot {
        /** HikariPool, held weakly; its data source's entry names it. */
        final WeakReference<Object> running;
        final Entry entry;
        final String name;
        /** Both null for an excluded pool, or one the agent cannot name. */
        final DistributionDataPoint duration;
        final CounterDataPoint timeouts;

        AcquireSlot(Object running, Entry entry, DistributionDataPoint duration, CounterDataPoint timeouts) {
            this.running = new WeakReference<>(running);
            this.entry = entry;
            this.name = entry == null ? null : entry.name;
            this.duration = duration;
            this.timeouts = timeouts;
        }
    }
}
