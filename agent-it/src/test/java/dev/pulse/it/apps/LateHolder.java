package dev.pulse.it.apps;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/** A bounded queue in a final instance field, of a class loaded before the agent is attached. */
public final class LateHolder {

    private final BlockingQueue<String> items = new ArrayBlockingQueue<>(10);

    public LateHolder(int count) {
        for (int i = 0; i < count; i++) {
            items.add("item " + i);
        }
    }
}
