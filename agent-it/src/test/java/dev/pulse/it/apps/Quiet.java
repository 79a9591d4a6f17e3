package dev.pulse.it.apps;

/** A class whose methods a misspelt timer pattern does not match. */
public class Quiet {

    public int process(int value) {
        return value + 1;
    }

    public void flush() {
        // nothing to flush
    }
}
