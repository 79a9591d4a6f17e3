package dev.pulse.agent.export;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One request head as the endpoint received it: request line and header fields, the raw bytes
 * decoded as ISO-8859-1. A request never has a body here: one that announces a body is refused
 * before it reaches a handler.
 */
final class HttpRequest {

    /** Longest request head accepted, request line and header fields together, in bytes. */
    static final int MAX_HEAD_BYTES = 8192;
    /** Most header fields accepted. */
    static final int MAX_HEADER_FIELDS = 100;

    private final String method;
    private final String path;
    private final String rawQuery;
    private final String version;
    private final List<String> names;
    private final List<String> values;

    private HttpRequest(String method, String path, String rawQuery, String version, List<String> names,
            List<String> values) {
        this.method = method;
        this.path = path;
        this.rawQuery = rawQuery;
        this.version = version;
        this.names = names;
        this.values = values;
    }

    /** For tests and internal callers: a GET of {@code target} with the given name, value pairs. */
    static HttpRequest of(String method, String target, String... headers) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        byte[] bytes = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        try {
            return parse(bytes, bytes.length);
        } catch (BadRequest e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /**
     * The index just past the blank line that ends a head within {@code bytes[0, length)}, searching
     * from {@code from}; -1 when the head is not complete yet.
     */
    static int headEnd(byte[] bytes, int from, int length) {
        for (int i = Math.max(3, from); i < length; i++) {
            if (bytes[i] == '\n' && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * Parses a complete head, {@code bytes[0, length)}, ending with CRLF CRLF.
     *
     * @throws BadRequest with the status to answer when it is not a well-formed HTTP/1.x head
     */
    static HttpRequest parse(byte[] bytes, int length) throws BadRequest {
        String head = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        int lineEnd = head.indexOf("\r\n");
        String[] requestLine = head.substring(0, lineEnd).split(" ", -1);
        if (requestLine.length != 3 || !isToken(requestLine[0])) {
            throw new BadRequest(400, "bad_request");
        }
        String version = requestLine[2];
        if (!"HTTP/1.1".equals(version) && !"HTTP/1.0".equals(version)) {
            throw new BadRequest(400, "bad_request");
        }
        String target = requestLine[1];
        if (target.startsWith("http://") || target.startsWith("https://")) {
            int slash = target.indexOf('/', target.indexOf("//") + 2);
            target = slash < 0 ? "/" : target.substring(slash);
        }
        if (!target.startsWith("/")) {
            throw new BadRequest(400, "bad_request");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new BadRequest(400, "bad_request");
            }
        }
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        String query = question < 0 ? null : target.substring(question + 1);

        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        int start = lineEnd + 2;
        while (start < head.length() - 2) {
            int end = head.indexOf("\r\n", start);
            String line = head.substring(start, end);
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                // covers obsolete line folding too: a line starting with white space
                throw new BadRequest(400, "bad_request");
            }
            if (names.size() == MAX_HEADER_FIELDS) {
                throw new BadRequest(431, "headers_too_large");
            }
            names.add(line.substring(0, colon));
            values.add(line.substring(colon + 1).trim());
            start = end + 2;
        }
        return new HttpRequest(requestLine[0], path, query, version, names, values);
    }

    private static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = c > ' ' && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    String method() {
        return method;
    }

    /** The path, raw (not %-decoded), without the query. */
    String path() {
        return path;
    }

    /** The query after {@code ?}, raw; null when the target has none. */
    String rawQuery() {
        return rawQuery;
    }

    String version() {
        return version;
    }

    boolean isHead() {
        return "HEAD".equals(method);
    }

    /** Every value of the named header field (case-insensitive), in order; empty when absent. */
    List<String> headers(String name) {
        List<String> found = null;
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                if (found == null) {
                    found = new ArrayList<>(1);
                }
                found.add(values.get(i));
            }
        }
        return found == null ? Collections.emptyList() : found;
    }

    /** The first value of the named header field, or null. */
    String header(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return values.get(i);
            }
        }
        return null;
    }

    /** Whether the request announces a body (which the endpoint never reads). */
    boolean hasBody() {
        String length = header("Content-Length");
        return header("Transfer-Encoding") != null || length != null && !"0".equals(length.trim());
    }

    /** Whether the client asked to keep the connection open after the response (HTTP/1.1 default). */
    boolean keepAlive() {
        String connection = header("Connection");
        boolean close = connection != null && connection.toLowerCase(java.util.Locale.ROOT).contains("close");
        boolean keep = connection != null && connection.toLowerCase(java.util.Locale.ROOT).contains("keep-alive");
        return "HTTP/1.1".equals(version) ? !close : keep;
    }

    /** A request head the endpoint refuses, with the status to answer and the reason it is counted under. */
    static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String reason;

        BadRequest(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
            this.reason = reason;
        }
    }
}
