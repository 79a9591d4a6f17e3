package dev.pulse.agent;

import java.io.PrintStream;

/**
 * The agent's few messages, one line each on standard error, prefixed "pulse: ". The agent
 * brings no logging library into the host, and a one-line message survives any log collector.
 */
public final class AgentLog {

    private static final String PREFIX = "pulse: ";

    private AgentLog() {
    }

    public static void info(String message) {
        print(message);
    }

    public static void warn(String message) {
        print("warning: " + message);
    }

    /** A warning whose first line is the message and whose further lines (a stack) follow as they are. */
    public static void warnBlock(String text) {
        PrintStream err = System.err;
        if (err != null) {
            err.println(PREFIX + "warning: " + text);
        }
    }

    public static void error(String message) {
        print(message);
    }

    private static void print(String message) {
        PrintStream err = System.err;
        if (err != null) {
            err.println(PREFIX + message.replace('\n', ' '));
        }
    }
}
