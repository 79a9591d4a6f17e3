package dev.pulse.agent.sample;

import dev.pulse.agent.AgentLog;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@code pulse.queue.<name>}: the objects (or, for a static field, the classes) that hold the
 * field, held weakly, and the last reading of the field's size. Several holders are summed.
 */
final class QueueSource implements SampleTask {

    /** Holders tracked per queue; a queue field normally lives in a handful of objects. */
    static final int MAX_HOLDERS = 1024;

    private final String name;
    private final String field;
    private final String errorSource;
    private final ConcurrentLinkedQueue<WeakReference<Object>> holders = new ConcurrentLinkedQueue<>();
    private final AtomicInteger holderCount = new AtomicInteger();
    /** Touched by the sampler thread only. */
    private final Map<Class<?>, Field> fields = new WeakHashMap<>();
    private volatile Reading last;
    private volatile boolean warnedFull;

    QueueSource(String name, String field) {
        this.name = name;
        this.field = field;
        this.errorSource = "queue:" + name;
    }

    String queueName() {
        return name;
    }

    Reading last() {
        return last;
    }

    /** A holder: an instance for an instance field, a Class for a static one. */
    void track(Object holder) {
        if (holderCount.incrementAndGet() > MAX_HOLDERS) {
            holderCount.decrementAndGet();
            if (!warnedFull) {
                warnedFull = true;
                AgentLog.warn("pulse.queue." + name + ": more than " + MAX_HOLDERS
                        + " live objects hold this field; further ones are not sampled");
            }
            return;
        }
        holders.add(new WeakReference<>(holder));
    }

    @Override
    public String name() {
        return errorSource;
    }

    @Override
    public void run(Errors errors) {
        long depth = 0;
        long capacity = 0;
        boolean bounded = true;
        boolean seen = false;
        Set<Object> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Iterator<WeakReference<Object>> it = holders.iterator(); it.hasNext(); ) {
            Object holder = it.next().get();
            if (holder == null) {
                it.remove();
                holderCount.decrementAndGet();
                continue;
            }
            if (!distinct.add(holder)) {
                continue;
            }
            Object queue;
            try {
                queue = read(holder);
            } catch (ReflectiveOperationException | RuntimeException e) {
                errors.failed(errorSource, "cannot read field " + field + ": " + e);
                continue;
            }
            if (queue == null) {
                seen = true;
                continue;
            }
            Sizes.Reading reading = Sizes.read(queue);
            if (reading == null) {
                errors.failed(errorSource, field + " holds a " + queue.getClass().getName()
                        + ", expected a Collection, a Map or an object with an int or long size()");
                continue;
            }
            if (reading.failure != null) {
                errors.failed(errorSource, reading.failure);
                continue;
            }
            seen = true;
            depth += reading.size;
            if (reading.capacity >= 0) {
                capacity += reading.capacity;
            } else {
                bounded = false;
            }
        }
        // A queue none of whose holders could be read has no depth, rather than a false 0.
        last = seen ? new Reading(depth, capacity, bounded) : null;
    }

    private Object read(Object holder) throws ReflectiveOperationException {
        boolean isClass = holder instanceof Class;
        Class<?> type = isClass ? (Class<?>) holder : holder.getClass();
        Field resolved = fields.get(type);
        if (resolved == null) {
            resolved = findField(type);
            fields.put(type, resolved);
        }
        return resolved.get(Modifier.isStatic(resolved.getModifiers()) ? null : holder);
    }

    private Field findField(Class<?> type) throws NoSuchFieldException {
        for (Class<?> current = type; current != null; current = current.getSuperclass()) {
            try {
                Field found = current.getDeclaredField(field);
                found.setAccessible(true);
                return found;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + field);
    }

    /** One sample of one queue, published whole to the scrape thread. */
    static final class Reading {
        final long depth;
        final long capacity;
        final boolean bounded;

        Reading(long depth, long capacity, boolean bounded) {
            this.depth = depth;
            this.capacity = capacity;
            this.bounded = bounded;
        }
    }
}
