package dev.pulse.agent.output;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reading a server's short answers, bounded, so an odd server cannot make an output read forever. */
final class HttpAnswers {

    private HttpAnswers() {
    }

    /** The first line of an error body, at most 300 bytes of it; "" when there is none. */
    static String firstLine(InputStream error) throws IOException {
        if (error == null) {
            return "";
        }
        try (InputStream in = error) {
            String text = new String(in.readNBytes(300), StandardCharsets.UTF_8).trim();
            int newline = text.indexOf('\n');
            return newline < 0 ? text : text.substring(0, newline);
        }
    }

    /** Reads and closes a success body (of at most a few KB), so the connection can be reused. */
    static void drain(InputStream in) throws IOException {
        try (InputStream body = in) {
            body.readNBytes(4096);
        }
    }
}
