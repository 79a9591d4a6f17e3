package dev.pulse.agent;

import dev.pulse.agent.config.PasswordHash;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code java -jar pulse-agent.jar hash-password}: reads a password (from the terminal without
 * echo, or the first line of standard input) and prints the value for
 * {@code pulse.http.auth.password_hash}. The password never appears on a command line.
 */
final class HashPasswordCommand {

    static final String NAME = "hash-password";
    static final String USAGE = "usage: java -jar pulse-agent.jar hash-password   (reads the password from"
            + " the terminal or the first line of standard input)";

    private HashPasswordCommand() {
    }

    static int run(String[] args, Console console, InputStream in, PrintStream out, PrintStream err) {
        if (args.length != 1) {
            err.println(USAGE);
            return 2;
        }
        char[] password;
        try {
            password = console != null ? fromConsole(console) : firstLine(in);
        } catch (IOException e) {
            err.println("pulse: cannot read the password: " + e.getMessage());
            return 1;
        }
        if (password == null || password.length == 0) {
            err.println("pulse: expected a password, found none (or the two entries differ)");
            return 1;
        }
        out.println(PasswordHash.of(password));
        Arrays.fill(password, '\0');
        return 0;
    }

    private static char[] fromConsole(Console console) {
        char[] first = console.readPassword("Password: ");
        char[] again = console.readPassword("Again: ");
        return first != null && Arrays.equals(first, again) ? first : null;
    }

    private static char[] firstLine(InputStream in) throws IOException {
        String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        return line == null ? null : line.toCharArray();
    }
}
