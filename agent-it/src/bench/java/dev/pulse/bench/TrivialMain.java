package dev.pulse.bench;

/**
 * The trivial main of the start-up comparison: calls one method (timed when Pulse is attached),
 * prints, and exits. Everything the JVM does beyond the bare JVM is the agent's.
 */
public final class TrivialMain {

    private TrivialMain() {
    }

    public static void main(String[] args) {
        System.out.println("done " + work());
    }

    static long work() {
        return System.nanoTime() & 1;
    }
}
