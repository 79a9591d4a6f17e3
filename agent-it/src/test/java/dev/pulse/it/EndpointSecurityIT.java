package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The endpoint over HTTPS with Basic authentication: a keystore made here with the JDK's keytool,
 * a password hash made with the agent's own hash-password command, and a real HTTPS client that
 * trusts only this test's self-signed certificate.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointSecurityIT {

    private static final String PASSWORD = "correct horse battery staple";
    private static final String STORE_PASSWORD = "store-secret";
    private ForkedJvm app;
    private int port;
    private HttpClient client;
    private SSLContext trustingContext;

    @BeforeAll
    void start() throws Exception {
        Path folder = Files.createTempDirectory("pulse-it");
        Path keystore = folder.resolve("pulse.p12");
        run(List.of(ForkedJvm.JAVA.resolveSibling("keytool").toString(), "-genkeypair", "-alias", "pulse",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD), null);
        String hash = run(List.of(ForkedJvm.JAVA.toString(), "-jar", ForkedJvm.AGENT_JAR.toAbsolutePath().toString(),
                "hash-password"), PASSWORD + "\n").trim();
        assertTrue(hash.startsWith("pbkdf2_sha256$600000$"), hash);

        port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder,
                "pulse.service=secure",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.http.auth.user=prometheus",
                "pulse.http.auth.password_hash=" + hash,
                "pulse.http.tls.keystore=" + keystore,
                "pulse.http.tls.keystore_password=" + STORE_PASSWORD,
                "pulse.timer.jobs=dev.pulse.it.apps.Jobs#process");
        app = ForkedJvm.app(config, "dev.pulse.it.apps.TargetApp", "--hold-ms", "120000");
        app.awaitStdout("app: ready");
        trustingContext = trusting(keystore);
        client = HttpClient.newBuilder().sslContext(trustingContext).connectTimeout(Duration.ofSeconds(5)).build();
        app.await("the HTTPS endpoint to answer", () -> get("/-/healthy", null).statusCode() == 200);
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void theRightCredentialsGetTheMetrics() throws Exception {
        HttpResponse<String> response = get("/metrics", basic("prometheus", PASSWORD));
        assertEquals(200, response.statusCode());
        assertEquals(100, Scrape.value(response.body(), "pulse_processing_duration_seconds_count",
                "operation=\"jobs\""));
    }

    @Test
    void missingOrWrongCredentialsGet401() throws Exception {
        HttpResponse<String> none = get("/metrics", null);
        assertEquals(401, none.statusCode());
        assertEquals("Basic realm=\"pulse\", charset=\"UTF-8\"", none.headers().firstValue("WWW-Authenticate")
                .orElse(""));
        assertEquals(401, get("/metrics", basic("prometheus", PASSWORD + "x")).statusCode());
        assertEquals(401, get("/metrics", basic("someone", PASSWORD)).statusCode());
        assertEquals(401, get("/metrics", "Basic not-base64!").statusCode());
        assertEquals(401, get("/metrics", "Bearer " + PASSWORD).statusCode());
        assertEquals(401, get("/", null).statusCode());
    }

    @Test
    void healthStaysOpenForProbes() throws Exception {
        HttpResponse<String> health = get("/-/healthy", null);
        assertEquals(200, health.statusCode());
        assertTrue(!health.body().contains("pulse_"), health.body());
    }

    @Test
    void plainHttpGetsNoMetrics() {
        assertThrows(IOException.class, () -> ForkedJvm.get(port, "/metrics"));
    }

    @Test
    void stalledHandshakesAndHalfSentRequestsOverTlsNeitherBlockProbesNorStayOpen() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                // a handshake that stops after the first bytes of its ClientHello
                Socket stalled = RawHttp.connect(port, 5000);
                stalled.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
                stalled.getOutputStream().flush();
                held.add(stalled);
                // a full handshake, then half a request
                SSLSocket halfSent = (SSLSocket) trustingContext.getSocketFactory().createSocket("127.0.0.1", port);
                halfSent.setSoTimeout(5000);
                halfSent.startHandshake();
                halfSent.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                halfSent.getOutputStream().flush();
                held.add(halfSent);
            }
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                String health = tlsGet("/-/healthy");
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(health.startsWith("HTTP/1.1 200"), health);
                assertTrue(millis < 1000, "/-/healthy over TLS took " + millis + " ms");
            }
            for (Socket socket : held) {
                socket.setSoTimeout(15_000);
                assertTrue(RawHttp.closedByServer(socket), "a stalled TLS connection still open after 15 s");
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void startLineNamesHttpsAndAuthentication() {
        assertEquals(List.of("pulse: started 1 timers, 0 queues, 0 SQL gauges; metrics on https://127.0.0.1:" + port
                + "/metrics (Basic authentication)"), app.agentLines(), app::describe);
    }

    private HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET over a new TLS connection, handshake included; returns the whole response. */
    private String tlsGet(String path) throws IOException {
        try (SSLSocket socket = (SSLSocket) trustingContext.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return RawHttp.readToEnd(socket);
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Trusts the one certificate in the test's keystore, nothing else. */
    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("pulse", store.getCertificate("pulse"));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** Runs a tool to its end, with a deadline; returns its standard output. */
    static String run(List<String> command, String input) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        try {
            if (input != null) {
                process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), command + " did not finish");
            assertEquals(0, process.exitValue(), command + "\n" + out + err);
            return out;
        } finally {
            process.destroyForcibly();
        }
    }
}
