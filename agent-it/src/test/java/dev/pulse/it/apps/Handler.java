package dev.pulse.it.apps;

/** An interface with a default method its implementation does not override, and a static method. */
public interface Handler {

    String name();

    default String handle(String request) {
        return name() + ":" + request;
    }

    static int checksum(String text) {
        return text.length();
    }
}
