package dev.pulse.it.apps;

/** Implemented by classes generated in memory, for a {@code Task+} timer. */
public interface Task {

    int run(int value);
}
