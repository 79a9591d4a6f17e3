package dev.pulse.it.webapp;

import java.util.ArrayDeque;

/** A web application's own queue type: no Collection, just a size(), which the agent looks up by reflection. */
public final class Backlog {

    private final ArrayDeque<String> items = new ArrayDeque<>();

    public synchronized void add(String item) {
        items.add(item);
    }

    public synchronized String poll() {
        return items.poll();
    }

    public synchronized int size() {
        return items.size();
    }
}
