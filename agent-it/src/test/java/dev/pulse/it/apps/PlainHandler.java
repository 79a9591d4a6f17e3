package dev.pulse.it.apps;

/** Implements {@link Handler} without overriding its default method. */
public class PlainHandler implements Handler {

    @Override
    public String name() {
        return "plain";
    }
}
