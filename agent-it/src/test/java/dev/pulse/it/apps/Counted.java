package dev.pulse.it.apps;

/** Timed methods called from many threads at once. */
public final class Counted {

    private Counted() {
    }

    public static int hit(int x) {
        return x + 1;
    }

    public static int virtualHit(int x) {
        return x + 1;
    }
}
