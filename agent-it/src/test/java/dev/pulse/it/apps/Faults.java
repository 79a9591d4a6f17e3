package dev.pulse.it.apps;

import java.io.IOException;

/** Timed methods that throw, and one whose recording the agent is told to fail (SafetyApp). */
public final class Faults {

    /** The exception object thrown last, to compare with the one the caller catches. */
    public static volatile Throwable thrown;

    private Faults() {
    }

    public static void failChecked() throws IOException {
        IOException e = new IOException("checked");
        thrown = e;
        throw e;
    }

    public static void failRuntime() {
        IllegalArgumentException e = new IllegalArgumentException("runtime");
        thrown = e;
        throw e;
    }

    public static void failError() {
        Broken e = new Broken();
        thrown = e;
        throw e;
    }

    public static int compute(int x) {
        return 2 * x + 1;
    }

    /** An Error of the application's own. */
    public static final class Broken extends Error {
        private static final long serialVersionUID = 1L;
    }
}
