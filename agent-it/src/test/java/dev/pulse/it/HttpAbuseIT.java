package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Garbage sent to the endpoint over raw sockets to 127.0.0.1: every answer is a 4xx, or the
 * connection closes; no answer carries a stack trace; the service (with a 256 MB heap) lives on
 * and normal scrapes are still served.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpAbuseIT {

    private static final int READ_TIMEOUT_MILLIS = 10_000;
    private ForkedJvm app;
    private int port;

    @BeforeAll
    void start() throws Exception {
        port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(Files.createTempDirectory("pulse-it"),
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.timer.jobs=dev.pulse.it.apps.Jobs#process");
        app = ForkedJvm.app(config, "dev.pulse.it.apps.TargetApp", "--hold-ms", "120000");
        app.awaitStdout("app: ready");
        app.awaitScrape(port);
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void badRequestLine() throws Exception {
        assertRefused(send("THIS IS NOT HTTP\r\n\r\n"));
        assertRefused(send("GET /metrics HTTP/9.9 extra\r\n\r\n"));
        assertScrapesStillServed();
    }

    @Test
    void hugeHeaders() throws Exception {
        assertRefused(send("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(4 << 20) + "\r\n\r\n"));
        StringBuilder many = new StringBuilder("GET /metrics HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 10_000; i++) {
            many.append("X-H").append(i).append(": v\r\n");
        }
        assertRefused(send(many.append("\r\n").toString()));
        assertScrapesStillServed();
    }

    @Test
    void thousandsOfNameParameters() throws Exception {
        String query = "name[]=pulse_agent_info" + "&name[]=x".repeat(5_000);
        assertRefused(send("GET /metrics?" + query + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        assertScrapesStillServed();
    }

    @Test
    void badPercentEncoding() throws Exception {
        for (String query : List.of("name[]=%zz", "name[]=%", "debug=%E0%A4%A", "name[]=%%41")) {
            assertRefused(send("GET /metrics?" + query + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        }
        assertScrapesStillServed();
    }

    @Test
    void aLargePost() throws Exception {
        int size = 64 << 20;
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: " + size + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[1 << 16];
            try {
                for (int sent = 0; sent < size; sent += chunk.length) {
                    out.write(chunk);
                }
                out.flush();
            } catch (IOException closedByTheServer) {
                // acceptable: the server may stop reading and close
            }
            assertRefused(read(socket));
        }
        assertScrapesStillServed();
    }

    @Test
    void slowClientsSendingAByteASecond() throws Exception {
        List<Socket> slow = new ArrayList<>();
        AtomicBoolean dripping = new AtomicBoolean(true);
        AtomicInteger dripped = new AtomicInteger();
        try {
            for (int i = 0; i < 4; i++) {
                slow.add(connect());
            }
            Thread drip = new Thread(() -> {
                byte[] request = "GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < request.length && dripping.get(); i++) {
                    for (Socket socket : slow) {
                        try {
                            socket.getOutputStream().write(request[i]);
                            socket.getOutputStream().flush();
                        } catch (IOException e) {
                            // closed by the server: fine
                        }
                    }
                    dripped.incrementAndGet();
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "slow-clients");
            drip.setDaemon(true);
            drip.start();
            // Scrapes go on while the slow clients hold their connections, for three of their bytes.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int scrapes = 0;
            while (dripped.get() < 3 && System.nanoTime() < deadline) {
                assertScrapesStillServed();
                scrapes++;
            }
            assertTrue(dripped.get() >= 3 && scrapes >= 3, dripped + " bytes dripped, " + scrapes + " scrapes");
            dripping.set(false);
            drip.join(TimeUnit.SECONDS.toMillis(5));
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void nothingWentToTheServicesStandardError() throws Exception {
        badPercentEncoding();
        assertFalse(app.stderr().contains("\tat "), app::describe);
        assertTrue(app.isAlive());
    }

    private void assertScrapesStillServed() throws Exception {
        String scrape = ForkedJvm.scrape(port);
        assertEquals(1, Scrape.value(scrape, "pulse_agent_info"), scrape);
        assertTrue(app.isAlive(), app::describe);
    }

    /** A 4xx status line, or nothing at all (the server closed the connection); never a stack trace. */
    private static void assertRefused(String response) {
        // The JDK's own 400 page may name an exception class ("URISyntaxException thrown"), never a stack.
        assertFalse(response.contains("\tat ") || response.contains("Exception:"), response);
        if (!response.isEmpty()) {
            assertTrue(response.startsWith("HTTP/1.1 4"), response.lines().findFirst().orElse(""));
        }
    }

    private String send(String request) throws IOException {
        try (Socket socket = connect()) {
            try {
                OutputStream out = socket.getOutputStream();
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException closedByTheServer) {
                // the server may close before reading it all
            }
            return read(socket);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        return socket;
    }

    /** What the server answers, up to 64 KB, until it closes or stops sending. */
    private static String read(Socket socket) {
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            int n;
            while (response.size() < (64 << 10) && (n = in.read(buffer)) > 0) {
                response.write(buffer, 0, n);
                if (response.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")
                        && !response.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200")) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            // stopped sending
        } catch (IOException e) {
            // reset by the server: a closed connection
        }
        return response.toString(StandardCharsets.ISO_8859_1);
    }
}
