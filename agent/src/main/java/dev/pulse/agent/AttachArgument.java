package dev.pulse.agent;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The argument {@code attach} hands to the agent: the properties file's path, then, after a line
 * break, the {@code -Dpulse.*} system properties given to the attach command, which would
 * otherwise stay in the attach command's own JVM. In the service they become system properties
 * before the configuration is read, so they win over the file as {@code -Dpulse.*} on a service's
 * command line does, and {@code PULSE_*} environment variables of the service still win over them.
 */
final class AttachArgument {

    private static final char SEPARATOR = '\n';

    private AttachArgument() {
    }

    /** {@code file}: the absolute path, or "" for none; {@code system}: the attach command's system properties. */
    static String pack(String file, Properties system) {
        Properties pulse = new Properties();
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith("pulse.")) {
                pulse.setProperty(name, system.getProperty(name));
            }
        }
        if (pulse.isEmpty()) {
            return file;
        }
        StringWriter text = new StringWriter();
        try {
            pulse.store(text, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file + SEPARATOR + text;
    }

    /** The properties file named by an agent argument, or the argument itself when it carries no properties. */
    static String file(String argument) {
        if (argument == null) {
            return null;
        }
        int end = argument.indexOf(SEPARATOR);
        return end < 0 ? argument : argument.substring(0, end);
    }

    /** Sets the system properties an agent argument carries, in the service's JVM. */
    static void applyProperties(String argument) throws IOException {
        int end = argument == null ? -1 : argument.indexOf(SEPARATOR);
        if (end < 0) {
            return;
        }
        Properties carried = new Properties();
        carried.load(new StringReader(argument.substring(end + 1)));
        for (String name : carried.stringPropertyNames()) {
            if (name.startsWith("pulse.")) {
                System.setProperty(name, carried.getProperty(name));
            }
        }
    }
}
