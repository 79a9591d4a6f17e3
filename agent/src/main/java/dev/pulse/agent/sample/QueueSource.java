package dev.pulse.agent.sample;

import dev.pulse.agent.AgentLog;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@code pulse.queue.<name>}: the objects (or, for a static field, the classes) that hold the
 * field, held weakly, and the last reading of the field's size. Several holders are summed.
 *
 * <p>Nothing here keeps an application class or its loader alive: the field found for a class is
 * kept in a {@link ClassValue}, which lives and dies with the class (a weak map keyed by the class
 * would not do: its value, the Field, references the class). A class loaded before the agent is
 * read only once the application itself has initialized it: reading its static field sooner would
 * run its static initializer on the sampler's thread.
 */
final class QueueSource implements SampleTask {

    /** Holders tracked per queue; a queue field normally lives in a handful of objects. */
    static final int MAX_HOLDERS = 1024;

    private final String name;
    private final String field;
    private final String errorSource;
    private final ConcurrentLinkedQueue<HolderRef> holders = new ConcurrentLinkedQueue<>();
    private final AtomicInteger holderCount = new AtomicInteger();
    /** The field as found on each holder's class (empty when it has none). */
    private final ClassValue<Optional<Field>> fields = new ClassValue<Optional<Field>>() {
        @Override
        protected Optional<Field> computeValue(Class<?> type) {
            return Optional.ofNullable(findField(type));
        }
    };
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

    /** A holder: an instance for an instance field, a Class whose static initializer has run for a static one. */
    void track(Object holder) {
        if (holder instanceof Class) {
            for (HolderRef tracked : holders) {
                if (tracked.get() == holder) {
                    // Reported by its initializer after it was tracked at the agent's start.
                    tracked.awaitingInitialization = false;
                    return;
                }
            }
        }
        add(new HolderRef(holder, false));
    }

    /**
     * A class holding a static queue field that was loaded before the agent started: it is read
     * once it is known to be initialized, by the application.
     */
    void trackLoaded(Class<?> holder) {
        Field found;
        try {
            found = fields.get(holder).orElse(null);
        } catch (RuntimeException inaccessible) {
            found = null;
        }
        if (found == null || !Modifier.isStatic(found.getModifiers())) {
            // No such field (the weaver said so), or an instance field: instances made before the
            // agent cannot be found, those made after are reported by the woven constructor.
            return;
        }
        add(new HolderRef(holder, !ClassInitialization.isInitialized(holder)));
    }

    private void add(HolderRef holder) {
        if (holderCount.incrementAndGet() > MAX_HOLDERS) {
            holderCount.decrementAndGet();
            if (!warnedFull) {
                warnedFull = true;
                AgentLog.warn("pulse.queue." + name + ": more than " + MAX_HOLDERS
                        + " live objects hold this field; further ones are not sampled");
            }
            return;
        }
        holders.add(holder);
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
        for (Iterator<HolderRef> it = holders.iterator(); it.hasNext(); ) {
            HolderRef ref = it.next();
            Object holder = ref.get();
            if (holder == null) {
                it.remove();
                holderCount.decrementAndGet();
                continue;
            }
            if (ref.awaitingInitialization) {
                if (!ClassInitialization.isInitialized((Class<?>) holder)) {
                    continue;
                }
                ref.awaitingInitialization = false;
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
        Field resolved = fields.get(type).orElseThrow(() -> new NoSuchFieldException(type.getName() + "." + field));
        return resolved.get(Modifier.isStatic(resolved.getModifiers()) ? null : holder);
    }

    /** The field on the type or a superclass, made accessible; null when there is none. */
    private Field findField(Class<?> type) {
        for (Class<?> current = type; current != null; current = current.getSuperclass()) {
            try {
                Field found = current.getDeclaredField(field);
                found.setAccessible(true);
                return found;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        return null;
    }

    /** A holder, held weakly; a class loaded before the agent waits for its initialization. */
    private static final class HolderRef extends WeakReference<Object> {
        /** Sampler thread, and the hook that reports the class's initialization. */
        volatile boolean awaitingInitialization;

        HolderRef(Object holder, boolean awaitingInitialization) {
            super(holder);
            this.awaitingInitialization = awaitingInitialization;
        }
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
