package dev.pulse.agent.pools;

import java.lang.ref.WeakReference;

/**
 * Which pool each known thread works for, held weakly, read without a lock or an allocation:
 * a thread that dies of an exception, or runs a task that fails, is looked up here on its way
 * out. Threads are added as their pool makes them (a copy of the table each time, ended threads
 * dropped then), so the table holds the live threads of the known pools.
 *
 * @param <P> what stands for a pool
 */
final class PoolThreads<P> {

    private static final Slot<?>[] NONE = new Slot<?>[0];

    /** Replaced whole under this object's lock; read without it. */
    @SuppressWarnings("unchecked")
    private volatile Slot<P>[] slots = (Slot<P>[]) NONE;

    /** {@code thread} (maybe not started yet) works for {@code pool}. */
    synchronized void add(Thread thread, P pool) {
        Slot<P>[] current = slots;
        int live = 0;
        for (Slot<P> slot : current) {
            if (slot.isLive()) {
                live++;
            }
        }
        @SuppressWarnings("unchecked")
        Slot<P>[] next = (Slot<P>[]) new Slot<?>[live + 1];
        int at = 0;
        for (Slot<P> slot : current) {
            if (slot.isLive()) {
                next[at++] = slot;
            }
        }
        next[at] = new Slot<>(thread, pool);
        slots = next;
    }

    /** The pool {@code thread} works for, or null when it was never added. */
    P poolOf(Thread thread) {
        Slot<P>[] current = slots;
        for (int i = current.length - 1; i >= 0; i--) {
            if (current[i].thread.get() == thread) {
                return current[i].pool;
            }
        }
        return null;
    }

    /** Threads held, ended ones not yet dropped included. */
    int size() {
        return slots.length;
    }

    private static final class Slot<P> {
        final WeakReference<Thread> thread;
        final P pool;

        Slot(Thread thread, P pool) {
            this.thread = new WeakReference<>(thread);
            this.pool = pool;
        }

        /** Not collected, and not ended (a thread not started yet is NEW, and kept). */
        boolean isLive() {
            Thread held = thread.get();
            return held != null && held.getState() != Thread.State.TERMINATED;
        }
    }
}
