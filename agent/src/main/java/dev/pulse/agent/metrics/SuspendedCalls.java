package dev.pulse.agent.metrics;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Timed Kotlin suspend calls that have suspended, each under the continuation it was given by
 * its caller (the one Kotlin resumes when the call completes), with its timer and its in-flight
 * token: the token travels here from the suspending return to the resumption or completion.
 *
 * <p>A fixed open-addressing table keyed by identity: an entry is found within {@link #PROBES}
 * places from the key's identity hash, claimed and released with compare-and-set, never locked.
 * Keys are held weakly, so a coroutine that is dropped without ever being resumed is collected;
 * {@link #sweep} then frees its entry. Adding an entry allocates its weak reference, once per
 * call that suspends (never for a call that returns without suspending); finding and removing
 * allocate nothing. When {@link #pending} is 0, a look-up reads one int.
 */
final class SuspendedCalls {

    static final int CAPACITY = 1 << 14;
    static final int PROBES = 16;
    private static final int MASK = CAPACITY - 1;

    private final AtomicReferenceArray<WeakReference<Object>> keys = new AtomicReferenceArray<>(CAPACITY);
    private final AtomicIntegerArray timers = new AtomicIntegerArray(CAPACITY);
    /** 0 for a free place or one being filled: an entered token is never 0. */
    private final AtomicLongArray tokens = new AtomicLongArray(CAPACITY);
    private final AtomicInteger pending = new AtomicInteger();

    /** What {@link #takeAll} and {@link #sweep} hand each entry they remove to. */
    interface Removed {
        /** {@code thrown}: the exception the call completed with, or null. */
        void removed(int timer, long token, Throwable thrown);
    }

    /** Entries now. */
    int pending() {
        return pending.get();
    }

    /** Adds an entry; false when the key's places are all taken (the caller then records at once). */
    boolean add(Object key, int timer, long token) {
        int start = start(key);
        for (int probe = 0; probe < PROBES; probe++) {
            int at = (start + probe) & MASK;
            if (keys.get(at) == null) {
                WeakReference<Object> ref = new WeakReference<>(key);
                if (keys.compareAndSet(at, null, ref)) {
                    timers.set(at, timer);
                    pending.incrementAndGet();
                    tokens.set(at, token);
                    return true;
                }
            }
        }
        return false;
    }

    /** The token of {@code timer}'s call waiting on {@code key}, or 0; leaves the entry in place. */
    long find(Object key, int timer) {
        if (pending.get() == 0) {
            return 0;
        }
        int start = start(key);
        for (int probe = 0; probe < PROBES; probe++) {
            int at = (start + probe) & MASK;
            WeakReference<Object> ref = keys.get(at);
            if (ref != null && ref.get() == key) {
                long token = tokens.get(at);
                if (token != 0 && timers.get(at) == timer) {
                    return token;
                }
            }
        }
        return 0;
    }

    /** Removes the entry of {@code token}; false if another thread removed it first. */
    boolean remove(Object key, long token) {
        int start = start(key);
        for (int probe = 0; probe < PROBES; probe++) {
            int at = (start + probe) & MASK;
            WeakReference<Object> ref = keys.get(at);
            if (ref != null && ref.get() == key && tokens.get(at) == token && release(at, token)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Removes every entry waiting on {@code key} (more than one when calls handed on the same
     * continuation), handing each to {@code to} with {@code thrown}.
     */
    void takeAll(Object key, Throwable thrown, Removed to) {
        if (pending.get() == 0) {
            return;
        }
        int start = start(key);
        for (int probe = 0; probe < PROBES; probe++) {
            int at = (start + probe) & MASK;
            WeakReference<Object> ref = keys.get(at);
            if (ref != null && ref.get() == key) {
                long token = tokens.get(at);
                int timer = timers.get(at);
                if (token != 0 && release(at, token)) {
                    to.removed(timer, token, thrown);
                }
            }
        }
    }

    /** Removes the entries whose continuation was collected without being resumed. */
    void sweep(Removed to) {
        if (pending.get() == 0) {
            return;
        }
        for (int at = 0; at < CAPACITY; at++) {
            WeakReference<Object> ref = keys.get(at);
            if (ref != null && ref.get() == null) {
                long token = tokens.get(at);
                int timer = timers.get(at);
                if (token != 0 && release(at, token)) {
                    to.removed(timer, token, null);
                }
            }
        }
    }

    private boolean release(int at, long token) {
        if (!tokens.compareAndSet(at, token, 0)) {
            return false;
        }
        pending.decrementAndGet();
        keys.set(at, null);
        return true;
    }

    private static int start(Object key) {
        int hash = System.identityHashCode(key) * 0x9E3779B9;
        return hash ^ (hash >>> 16);
    }
}
