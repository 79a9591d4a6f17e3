package dev.pulse.it.apps;

/** Timed through its implementations with the Name+ pattern. */
public interface Worker {

    int processOne();
}
