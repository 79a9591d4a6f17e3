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
 * is timed too. A pool is exported once it has a name (its own, else its URL's), and no longer
 * once it is closed or collected.
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

    /** From the woven constructor: may run several times for one pool (constructor chains, subclasses). */
    public synchronized void created(int kind, Object pool) {
        for (Entry entry : entries) {
            if (entry.pool.get() == pool) {
                return;
            }
        }
        if (entries.size() >= limit) {
            overflow.run();
            if (!warnedFull) {
                warnedFull = true;
                AgentLog.warn("more than " + limit + " connection pools; the others are not exported"
                        + " (counted in pulse_series_overflow_total)");
            }
            return;
        }
        entries.add(new Entry(kinds.get(kind), pool));
    }

    /**
     * From HikariCP's getConnection(timeout), on the application's thread: finds the pool's
     * recorder by identity in a short array, without allocating or locking; only a pool's first
     * call builds its recorder (an excluded pool gets one that records nothing), and once the
     * array is full other pools are not recorded.
     */
    public void acquired(Object pool, long startNanos, Throwable thrown) {
        long elapsed = System.nanoTime() - startNanos;
        AcquireSlot[] current = slots;
        AcquireSlot slot = null;
        for (AcquireSlot candidate : current) {
            if (candidate.pool.get() == pool) {
                slot = candidate;
                break;
            }
        }
        if (slot == null) {
            if (current.length >= limit) {
                return;
            }
            slot = newSlot(pool);
        }
        if (slot == null || slot.duration == null) {
            return;
        }
        slot.duration.observe(elapsed / 1e9);
        if (thrown instanceof SQLTransientConnectionException) {
            slot.timeouts.inc();
        }
    }

    private synchronized AcquireSlot newSlot(Object pool) {
        for (AcquireSlot candidate : slots) {
            if (candidate.pool.get() == pool) {
                return candidate;
            }
        }
        if (slots.length >= limit) {
            return null;
        }
        // HikariPool's toString() is its pool name, the same one the data source reports.
        String name = String.valueOf(pool);
        AcquireSlot[] grown = java.util.Arrays.copyOf(slots, slots.length + 1);
        grown[slots.length] = excluded.test(name) ? new AcquireSlot(pool, name, null, null)
                : new AcquireSlot(pool, name, acquireDuration.labelValues(name), acquireTimeouts.labelValues(name));
        slots = grown;
        return grown[slots.length - 1];
    }

    /** One pass: reads every live pool; drops the collected and the closed ones. */
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
                if (entry.name == null && !name(entry, pool)) {
                    continue;
                }
                if (!entry.excluded) {
                    next.add(new Reading(entry.name, entry.kind.read(pool), entry.pool));
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                errors.failed("pool:" + (entry.name == null ? entry.kind.className() : entry.name),
                        String.valueOf(e));
            }
        }
        readings = List.copyOf(next);
        forgetCollectedSlots();
    }

    private boolean name(Entry entry, Object pool) throws ReflectiveOperationException {
        String wanted = entry.kind.configuredName(pool);
        if (wanted == null || wanted.isEmpty()) {
            wanted = PoolNames.urlName(entry.kind.url(pool));
        }
        if (wanted == null || wanted.isEmpty()) {
            return false;
        }
        entry.name = names.claim(wanted);
        entry.excluded = excluded.test(entry.name);
        return true;
    }

    private synchronized void forget(Entry entry) {
        entries.remove(entry);
        if (entry.name != null) {
            names.release(entry.name);
        }
    }

    private synchronized void forgetCollectedSlots() {
        List<AcquireSlot> live = new ArrayList<>();
        for (AcquireSlot slot : slots) {
            if (slot.pool.get() != null) {
                live.add(slot);
            } else if (slot.duration != null) {
                acquireDuration.remove(slot.name);
                acquireTimeouts.remove(slot.name);
            }
        }
        if (live.size() != slots.length) {
            slots = live.toArray(new AcquireSlot[0]);
        }
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
        /** Sampler thread only, once set. */
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

    private static final class AcquireSlot {
        final WeakReference<Object> pool;
        final String name;
        /** Both null for an excluded pool. */
        final DistributionDataPoint duration;
        final CounterDataPoint timeouts;

        AcquireSlot(Object pool, String name, DistributionDataPoint duration, CounterDataPoint timeouts) {
            this.pool = new WeakReference<>(pool);
            this.name = name;
            this.duration = duration;
            this.timeouts = timeouts;
        }
    }
}
