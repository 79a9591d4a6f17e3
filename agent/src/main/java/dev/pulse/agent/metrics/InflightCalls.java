package dev.pulse.agent.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The calls of one operation that are running now: a fixed table of slots, one per call, each
 * holding the call's start time, its thread, and the end time of the last call that returned
 * normally from it. Entering claims a free slot with one compare-and-set, leaving releases it
 * with plain ordered stores: no allocation and no lock on the timed call. The scrape and the
 * sampler read the table to find the oldest running call and stuck threads.
 *
 * <p>Slots sit a cache line apart so threads entering at once do not contend. Calls beyond
 * {@link #SLOTS} at once are still timed and counted in flight, but have no age.
 */
final class InflightCalls {

    static final int SLOTS = 64;
    private static final int SLOT_MASK = SLOTS - 1;
    /** Longs per slot: 64 bytes, one cache line. [0] start, [1] end of the last normal return. */
    private static final int STRIDE = 8;
    /** References per slot: a cache line even with uncompressed pointers. */
    private static final int REF_STRIDE = 8;
    /**
     * The token's low bits are a tag: 1..SLOTS name the slot, UNTRACKED a call without one, and
     * 0 (the value a failed entry hook leaves, or a nested call's) a call that was never
     * entered. The next bit is free for the caller ({@link #RESUMED}), the one after marks a call
     * in a displaced slot. The rest of the token is the start time, to a precision of 512 ns, for
     * calls without a slot.
     */
    private static final long TAG_MASK = 0x7F;
    /** A bit of the token that the table ignores: the suspend-function timer marks a resumption with it. */
    static final long RESUMED = 0x80;
    private static final long START_MASK = ~0x1FFL;
    private static final int UNTRACKED = 0x7F;
    private static final int NOT_ENTERED = 0;
    private static final long FREE = 0L;
    /** The token of a call nested in a running call of the same operation on the same thread. */
    static final long NESTED_TOKEN = NOT_ENTERED;
    /** In a slot's token: the call took a slot other than its thread's first (tracked tokens only). */
    private static final long DISPLACED_FLAG = 0x100;
    /** Cell (in the padding before slot 0) counting the running calls that hold a displaced slot. */
    private static final int DISPLACED = 0;

    private final AtomicLongArray cells = new AtomicLongArray((SLOTS + 1) * STRIDE);
    /**
     * Each slot's thread, written with plain stores: entering writes it after claiming the slot
     * with no method call between, so a StackOverflowError (thrown only on entering a method) can
     * never leave a slot claimed with no token to release it. A slot's thread is read by its own
     * thread (re-entry) and, for stacks, by the sampler, which may see null for a moment.
     */
    private final Thread[] threads = new Thread[(SLOTS + 1) * REF_STRIDE];
    private final LongAdder untracked = new LongAdder();
    private volatile long untrackedLastSuccess;

    /**
     * Claims a slot for a call starting at {@code now}; the token goes back to {@link #exit}. A
     * call made while the same thread is already inside a call of this operation (recursion, one
     * matched method calling another) is not a call of its own: it gets the token of a call never
     * entered, and only the outermost call is timed and counted.
     *
     * <p>Re-entry is found without a thread-local: a thread's call takes the slot its thread id
     * hashes to when that slot is free, so the nested call finds its own thread there with one
     * read. Only while some call of the operation had to take another slot (two threads hashing
     * alike at once, or more calls than slots) does a call look through every slot for its thread.
     */
    long enter(long now) {
        Thread thread = Thread.currentThread();
        @SuppressWarnings("deprecation") // Thread.threadId() is Java 19+; any spread of starting slots will do
        int hint = (int) thread.getId() & SLOT_MASK;
        if (threads[ref(hint)] == thread || (cells.get(DISPLACED) != 0 && holdsSlot(thread))) {
            return NESTED_TOKEN;
        }
        long start = now == FREE ? 1 : now;
        for (int probe = 0; probe < SLOTS; probe++) {
            int slot = (hint + probe) & SLOT_MASK;
            int cell = cell(slot);
            if (cells.get(cell) != FREE) {
                continue;
            }
            if (probe != 0) {
                // Counted before the claim, undone if it fails: nothing is called once a slot is held.
                cells.getAndIncrement(DISPLACED);
            }
            if (cells.compareAndSet(cell, FREE, start)) {
                threads[(slot + 1) * REF_STRIDE] = thread; // ref(slot), inline: no call here
                return probe == 0 ? (now & START_MASK) | (slot + 1)
                        : (now & START_MASK) | DISPLACED_FLAG | (slot + 1);
            }
            if (probe != 0) {
                cells.getAndDecrement(DISPLACED);
            }
        }
        // Without a slot the thread cannot be found, so calls nested in this one count on their own.
        untracked.increment();
        return (now & START_MASK) | UNTRACKED;
    }

    /** True if {@code thread} holds any slot: a call of this operation runs on it now. */
    private boolean holdsSlot(Thread thread) {
        for (int slot = 0; slot < SLOTS; slot++) {
            if (threads[ref(slot)] == thread) {
                return true;
            }
        }
        return false;
    }

    /** False for the token of an enter that never ran: such a call has nothing to record. */
    static boolean entered(long token) {
        return (token & TAG_MASK) != NOT_ENTERED;
    }

    /**
     * The stripe of per-slot data the holder of {@code token} may write alone: its slot, or
     * {@link #SLOTS} (shared, written atomically) for a call without one. Only for entered tokens.
     */
    static int stripe(long token) {
        int tag = (int) (token & TAG_MASK);
        return tag == UNTRACKED ? SLOTS : tag - 1;
    }

    /** The call's start time. Only for tokens that {@link #entered}, before {@link #exit}. */
    long start(long token) {
        int tag = (int) (token & TAG_MASK);
        return tag == UNTRACKED ? token & START_MASK : cells.get(cell(tag - 1));
    }

    /** Releases the call's slot; returns its start time. Only for tokens that {@link #entered}. */
    long exit(long token, long end, boolean returnedNormally) {
        int tag = (int) (token & TAG_MASK);
        if (tag == UNTRACKED) {
            untracked.decrement();
            if (returnedNormally) {
                untrackedLastSuccess = end;
            }
            return token & START_MASK;
        }
        int slot = tag - 1;
        int cell = cell(slot);
        long start = cells.get(cell);
        if (returnedNormally) {
            cells.lazySet(cell + 1, end);
        }
        threads[ref(slot)] = null;
        // The release store publishes the cleared thread with the free slot.
        cells.lazySet(cell, FREE);
        if ((token & DISPLACED_FLAG) != 0) {
            cells.getAndDecrement(DISPLACED);
        }
        return start;
    }

    /**
     * The call of {@code token} is suspended (a Kotlin suspend function waiting): it keeps its
     * slot and its age, but no thread runs it, so it has no stack to show.
     */
    void suspended(long token) {
        int tag = (int) (token & TAG_MASK);
        if (tag != UNTRACKED && tag != NOT_ENTERED) {
            threads[ref(tag - 1)] = null;
        }
    }

    /** The suspended call of {@code token} runs again, on the current thread. */
    void resumed(long token) {
        int tag = (int) (token & TAG_MASK);
        if (tag != UNTRACKED && tag != NOT_ENTERED) {
            threads[ref(tag - 1)] = Thread.currentThread();
        }
    }

    /** Releases the slot of a call that will never complete (its coroutine was collected). */
    void abandon(long token) {
        exit(token & ~RESUMED, System.nanoTime(), false);
    }

    /** Calls running now. */
    long count() {
        long count = untracked.sum();
        for (int slot = 0; slot < SLOTS; slot++) {
            if (cells.get(cell(slot)) != FREE) {
                count++;
            }
        }
        return count;
    }

    /** Age in nanoseconds of the longest-running call with a slot, 0 when none runs. */
    long oldestAgeNanos(long now) {
        long oldest = 0;
        for (int slot = 0; slot < SLOTS; slot++) {
            long start = cells.get(cell(slot));
            if (start != FREE) {
                oldest = Math.max(oldest, now - start);
            }
        }
        return oldest;
    }

    /** nanoTime at the end of the last call that returned normally, or 0 if none has. */
    long lastSuccessNanos() {
        long last = untrackedLastSuccess;
        for (int slot = 0; slot < SLOTS; slot++) {
            long end = cells.get(cell(slot) + 1);
            if (end != 0 && (last == 0 || end - last > 0)) {
                last = end;
            }
        }
        return last;
    }

    /**
     * The running call in {@code slot}, or null; reads its start and thread consistently. Its
     * thread is null while the call is suspended (or for the instant its holder takes the slot).
     */
    Call call(int slot) {
        int cell = cell(slot);
        long start = cells.get(cell);
        if (start == FREE) {
            return null;
        }
        Thread thread = threads[ref(slot)];
        if (cells.get(cell) != start) {
            return null;
        }
        return new Call(slot, start, thread);
    }

    private static int cell(int slot) {
        return (slot + 1) * STRIDE;
    }

    private static int ref(int slot) {
        return (slot + 1) * REF_STRIDE;
    }

    /** A running call, as the sampler sees it. */
    static final class Call {
        final int slot;
        final long start;
        /** Null while the call is suspended. */
        final Thread thread;

        Call(int slot, long start, Thread thread) {
            this.slot = slot;
            this.start = start;
            this.thread = thread;
        }
    }
}
