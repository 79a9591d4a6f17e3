package dev.pulse.it.apps;

/** A timed method that calls itself directly, and one re-entered through another method. */
public final class Recursion {

    private Recursion() {
    }

    public static int depth(int n) {
        return n == 0 ? 0 : 1 + depth(n - 1);
    }

    public static int pingPong(int n) {
        return n == 0 ? 0 : 1 + bounce(n - 1);
    }

    private static int bounce(int n) {
        return pingPong(n);
    }
}
