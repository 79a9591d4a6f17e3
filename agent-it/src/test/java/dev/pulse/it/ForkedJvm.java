package dev.pulse.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A service started in its own JVM, usually with the built agent attached. Its output is
 * collected as it comes; every wait has a deadline; {@link #close()} ends the process it started
 * and nothing else.
 */
final class ForkedJvm implements AutoCloseable {

    static final Path AGENT_JAR = Paths.get(System.getProperty("pulse.agent.jar", "../agent/target/pulse-agent.jar"));
    static final Path DEMO_JAR = Paths.get(System.getProperty("pulse.demo.jar", "../demo-app/target/pulse-demo.jar"));
    static final Path DEMO_CONFIG = Paths.get(System.getProperty("pulse.demo.config", "../demo-app/pulse.properties"));
    static final String APPS_CLASSPATH = System.getProperty("pulse.it.apps", "target/test-classes");
    static final Path JAVA = Paths.get(System.getProperty("pulse.it.java.home", System.getProperty("java.home")),
            "bin", "java");
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Output stdout;
    private final Output stderr;

    private ForkedJvm(List<String> command, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("PULSE_") || name.startsWith("JAVA_TOOL"));
        builder.environment().putAll(environment);
        this.process = builder.start();
        this.stdout = new Output(process.getInputStream(), "stdout-" + process.pid());
        this.stderr = new Output(process.getErrorStream(), "stderr-" + process.pid());
        process.getOutputStream().close();
    }

    /** A JVM running {@code mainClass} of the test apps, with the agent and the given config file. */
    static ForkedJvm app(Path config, String mainClass, String... args) throws IOException {
        return start(agentFlags(config), Map.of(), List.of("-cp", APPS_CLASSPATH, mainClass), args);
    }

    /** The test apps plus the jars that hold the given library classes. */
    static String appsClasspathWith(Class<?>... libraries) throws java.net.URISyntaxException {
        StringBuilder classpath = new StringBuilder(APPS_CLASSPATH);
        for (Class<?> library : libraries) {
            classpath.append(java.io.File.pathSeparatorChar)
                    .append(Paths.get(library.getProtectionDomain().getCodeSource().getLocation().toURI()));
        }
        return classpath.toString();
    }

    static ForkedJvm start(List<String> jvmFlags, Map<String, String> environment, List<String> main,
            String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(JAVA.toString());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.addAll(jvmFlags);
        command.addAll(main);
        command.addAll(List.of(args));
        return new ForkedJvm(command, environment);
    }

    static List<String> agentFlags(Path config) {
        String argument = config == null ? "" : "=" + config.toAbsolutePath();
        return List.of("-javaagent:" + AGENT_JAR.toAbsolutePath() + argument);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static Path writeConfig(Path folder, String... lines) throws IOException {
        Path file = Files.createTempFile(folder, "pulse", ".properties");
        Files.write(file, List.of(lines), StandardCharsets.UTF_8);
        return file;
    }

    long pid() {
        return process.pid();
    }

    String stdout() {
        return stdout.text();
    }

    String stderr() {
        return stderr.text();
    }

    /** Lines the agent printed: those of standard error that start with "pulse: ". */
    List<String> agentLines() {
        List<String> lines = new ArrayList<>();
        for (String line : stderr().split("\n")) {
            if (line.startsWith("pulse: ")) {
                lines.add(line);
            }
        }
        return lines;
    }

    void awaitStdout(String text) throws InterruptedException {
        await("stdout to contain \"" + text + "\"", () -> stdout().contains(text));
    }

    void awaitStderr(String text) throws InterruptedException {
        await("stderr to contain \"" + text + "\"", () -> stderr().contains(text));
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(DEFAULT_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("the service did not exit within " + DEFAULT_WAIT + "\n" + describe());
        }
        stdout.join();
        stderr.join();
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the endpoint to answer and returns the scrape. */
    String awaitScrape(int port) throws InterruptedException {
        String[] body = new String[1];
        await("http://127.0.0.1:" + port + "/metrics to answer", () -> {
            try {
                body[0] = scrape(port);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return body[0];
    }

    /** Scrapes until the text satisfies {@code condition}; returns that scrape. */
    String awaitScrape(int port, String what, Predicate<String> condition) throws InterruptedException {
        String[] body = new String[1];
        await(what, () -> {
            try {
                body[0] = scrape(port);
                return condition.test(body[0]);
            } catch (IOException e) {
                return false;
            }
        });
        return body[0];
    }

    static String scrape(int port) throws IOException, InterruptedException {
        return get(port, "/metrics").body();
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    void await(String what, Check check) throws InterruptedException {
        await(what, DEFAULT_WAIT, check);
    }

    /** Waits at most {@code wait}: for a service that starts slowly (a Spring Boot application on a loaded machine). */
    void await(String what, Duration wait, Check check) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (Exception e) {
                // not yet
            }
            if (!process.isAlive() && !check.holdsQuietly()) {
                throw new AssertionError("the service exited (" + process.exitValue() + ") while waiting for " + what
                        + "\n" + describe());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out after " + wait + " waiting for " + what + "\n" + describe());
    }

    String describe() {
        return "--- stdout:\n" + stdout() + "--- stderr:\n" + stderr();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    interface Check {
        boolean holds() throws Exception;

        default boolean holdsQuietly() {
            try {
                return holds();
            } catch (Exception e) {
                return false;
            }
        }
    }

    /** Drains a stream on its own daemon thread so the child never blocks on a full pipe. */
    private static final class Output {
        private final StringBuffer text = new StringBuffer();
        private final Thread reader;

        Output(InputStream stream, String name) {
            reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        text.append(line).append('\n');
                    }
                } catch (IOException e) {
                    text.append("(output closed: ").append(e).append(")\n");
                }
            }, name);
            reader.setDaemon(true);
            reader.start();
        }

        String text() {
            return text.toString();
        }

        void join() throws InterruptedException {
            reader.join(TimeUnit.SECONDS.toMillis(5));
        }
    }
}
