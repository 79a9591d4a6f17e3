package dev.pulse.it.webapp;

/** Holds the queue the agent samples ({@code Inbox#items}) and the timed method ({@code Inbox#drain}). */
public final class Inbox {

    private final Backlog items = new Backlog();

    public void add(String item) {
        items.add(item);
    }

    /** Takes up to {@code count} items; returns how many it took. */
    public int drain(int count) {
        int taken = 0;
        while (taken < count && items.poll() != null) {
            taken++;
        }
        return taken;
    }

    /** Empties the queue, untimed: a stopped application leaves nothing to count. */
    public void clear() {
        while (items.poll() != null) {
            // drop it
        }
    }

    public int depth() {
        return items.size();
    }
}
