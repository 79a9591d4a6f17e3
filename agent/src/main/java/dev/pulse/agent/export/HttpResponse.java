package dev.pulse.agent.export;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A complete response: status, header fields and the whole body. Immutable once built, so one
 * rendering can be sent to every client that asked for the same thing at the same moment.
 */
final class HttpResponse {

    private static final byte[] NO_BODY = new byte[0];

    private final int status;
    private final List<String> headers;
    private final byte[] body;
    private final boolean close;

    private HttpResponse(int status, List<String> headers, byte[] body, boolean close) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.close = close;
    }

    /** A plain-text response; {@code close}: the connection closes after it. */
    static HttpResponse text(int status, String message, boolean close) {
        return builder(status).header("Content-Type", "text/plain; charset=utf-8")
                .body(message.getBytes(StandardCharsets.UTF_8)).close(close).build();
    }

    static Builder builder(int status) {
        return new Builder(status);
    }

    int status() {
        return status;
    }

    byte[] body() {
        return body;
    }

    /** Whether the connection must close after this response, whatever the client asked. */
    boolean close() {
        return close;
    }

    /** The value of the named header field, or null. */
    String header(String name) {
        for (int i = 0; i < headers.size(); i += 2) {
            if (headers.get(i).equalsIgnoreCase(name)) {
                return headers.get(i + 1);
            }
        }
        return null;
    }

    /** Status line and header fields, with Content-Length of the body and the Connection decision. */
    byte[] head(boolean keepAlive) {
        StringBuilder head = new StringBuilder(128 + headers.size() * 32);
        head.append("HTTP/1.1 ").append(status).append(' ').append(reasonPhrase(status)).append("\r\n");
        for (int i = 0; i < headers.size(); i += 2) {
            head.append(headers.get(i)).append(": ").append(headers.get(i + 1)).append("\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n");
        if (!keepAlive) {
            head.append("Connection: close\r\n");
        }
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String reasonPhrase(int status) {
        switch (status) {
            case 200: return "OK";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 408: return "Request Timeout";
            case 431: return "Request Header Fields Too Large";
            case 500: return "Internal Server Error";
            case 503: return "Service Unavailable";
            default: return "Status";
        }
    }

    /** Collects status, header fields and body. */
    static final class Builder {
        private final int status;
        private final List<String> headers = new ArrayList<>();
        private byte[] body = NO_BODY;
        private boolean close;

        private Builder(int status) {
            this.status = status;
        }

        /** Sets a header field, replacing one of the same name; Content-Length and Connection are the server's. */
        Builder header(String name, String value) {
            if ("Content-Length".equalsIgnoreCase(name) || "Connection".equalsIgnoreCase(name)
                    || "Transfer-Encoding".equalsIgnoreCase(name)) {
                return this;
            }
            for (int i = 0; i < headers.size(); i += 2) {
                if (headers.get(i).equalsIgnoreCase(name)) {
                    headers.set(i + 1, value);
                    return this;
                }
            }
            headers.add(name);
            headers.add(value);
            return this;
        }

        Builder body(byte[] bytes) {
            this.body = bytes;
            return this;
        }

        Builder close(boolean close) {
            this.close = close;
            return this;
        }

        HttpResponse build() {
            return new HttpResponse(status, List.copyOf(headers), body, close);
        }
    }
}
