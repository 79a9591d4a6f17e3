package dev.pulse.it.apps;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A queue in a static field. */
public final class Outbox {

    static final Queue<String> QUEUE = new ConcurrentLinkedQueue<>();

    private Outbox() {
    }
}
