package dev.pulse.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server from Debian's packages (Prometheus, InfluxDB, node_exporter, Pushgateway) started by a
 * test on loopback, its output in a log file; {@link #close()} stops the process it started and
 * nothing else.
 */
final class Daemon implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<String> command;
    private final Path log;
    private final String readyUrl;
    private Process process;

    private Daemon(List<String> command, Path log, String readyUrl) {
        this.command = command;
        this.log = log;
        this.readyUrl = readyUrl;
    }

    /**
     * Starts {@code command} and waits until a GET of {@code readyUrl} answers 2xx.
     *
     * @throws AssertionError with the server's log when it exits or is not ready within a minute
     */
    static Daemon start(List<String> command, Path log, String readyUrl) throws Exception {
        Daemon daemon = new Daemon(command, log, readyUrl);
        daemon.start();
        return daemon;
    }

    /** Starts the same command again, after {@link #close()}. */
    void start() throws Exception {
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(command.get(0) + " exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (get(readyUrl).statusCode() / 100 == 2) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        close();
        throw new AssertionError(command.get(0) + " was not ready within 60 s:\n" + log());
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
