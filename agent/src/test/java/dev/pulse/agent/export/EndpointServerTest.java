package dev.pulse.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP server against raw sockets on 127.0.0.1, with two small handlers. */
class EndpointServerTest {

    private ClientErrors errors;
    private Worker worker;
    private EndpointServer server;

    @BeforeEach
    void start() throws IOException {
        errors = new ClientErrors(Labels.EMPTY, PrometheusProperties.get());
        worker = new Worker("test-worker", 4);
        Handler hello = (request, reply) -> reply.send(HttpResponse.text(200, "hello " + request.rawQuery(), false));
        Handler slow = (request, reply) -> worker.offer(() -> reply.send(HttpResponse.text(200, "slow", false)));
        server = new EndpointServer(EndpointServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), null,
                Map.of("/hello", hello, "/slow", slow), new RequestGuard(null, null), null, errors, "test-selector");
    }

    @AfterEach
    void stop() {
        server.close();
        worker.close();
    }

    @Test
    void keepAliveAndPipelinedRequestsAreAnsweredInOrder() throws IOException {
        String both = exchange("GET /hello?a HTTP/1.1\r\nHost: x\r\n\r\nGET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /hello?b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(3, both.split("HTTP/1.1 200 OK", -1).length - 1, both);
        assertTrue(both.indexOf("hello a") < both.indexOf("slow") && both.indexOf("slow") < both.indexOf("hello b"),
                both);
        assertTrue(both.endsWith("hello b"), both);
    }

    @Test
    void headGetsTheHeadersOfGetWithoutTheBody() throws IOException {
        String head = exchange("HEAD /hello?x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
        assertTrue(head.contains("Content-Length: 7\r\n"), head);
        assertTrue(head.endsWith("\r\n\r\n"), head);
    }

    @Test
    void http10ClosesAfterTheResponse() throws IOException {
        String response = exchange("GET /hello HTTP/1.0\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n") && response.contains("Connection: close\r\n"), response);
    }

    @Test
    void refusalsAreAnsweredAndCounted() throws IOException {
        assertTrue(exchange("GET /nothing HTTP/1.1\r\nConnection: close\r\n\r\n").startsWith("HTTP/1.1 404 "));
        assertTrue(exchange("POST /hello HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc").startsWith("HTTP/1.1 405 "));
        assertTrue(exchange("GET /hello HTTP/2.0\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(exchange("GET /hello HTTP/1.1\r\n folded: x\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(exchange("GET /hello HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello").startsWith("HTTP/1.1 400 "));
        assertTrue(exchange("GET /hello?%zz HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 400 "));
        String huge = exchange("GET /hello HTTP/1.1\r\nX: " + "a".repeat(HttpRequest.MAX_HEAD_BYTES) + "\r\n\r\n");
        assertTrue(huge.isEmpty() || huge.startsWith("HTTP/1.1 431 "), huge);
        StringBuilder many = new StringBuilder("GET /hello HTTP/1.1\r\n");
        for (int i = 0; i <= HttpRequest.MAX_HEADER_FIELDS; i++) {
            many.append("X").append(i).append(": v\r\n");
        }
        assertTrue(exchange(many.append("\r\n").toString()).startsWith("HTTP/1.1 431 "));
        assertEquals(1, errors.count("not_found"));
        assertEquals(1, errors.count("method_not_allowed"));
        assertEquals(4, errors.count("bad_request"));
        assertEquals(2, errors.count("headers_too_large"));
    }

    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(5000);
            try {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException closedEarly) {
                // the server may refuse before reading it all
            }
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            int n;
            try {
                while ((n = in.read(buffer)) > 0) {
                    response.write(buffer, 0, n);
                }
            } catch (IOException reset) {
                // closed with unread input: what arrived counts
            }
            return response.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
