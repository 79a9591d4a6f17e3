package dev.pulse.it.apps;

/** Loaded by a child class loader that the app then drops (SafetyApp). */
public final class Dropped {

    private Dropped() {
    }

    public static int work(int x) {
        return x * 3;
    }
}
