package dev.pulse.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of Debian's postgresql package, on its own initdb'd data directory and a
 * free loopback port, started, stopped and started again by this handle. PostgreSQL refuses to
 * run as root: as root, the data directory is given to the {@code postgres} user and the server
 * runs as that user (setpriv). Logins are trusted, from loopback only.
 */
final class PostgresServer implements AutoCloseable {

    static final String USER = "postgres";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Path bin;
    private final Path folder;
    private final Path data;
    private final int port;
    private final boolean root;
    private Process server;

    private PostgresServer(Path bin, Path folder, int port, boolean root) {
        this.bin = bin;
        this.folder = folder;
        this.data = folder.resolve("data");
        this.port = port;
        this.root = root;
    }

    /** Creates a data directory and starts the server on it; the caller closes it. */
    static PostgresServer start() throws IOException, InterruptedException {
        Path bin = binaries();
        Path folder = Files.createTempDirectory("pulse-pg");
        boolean root = "root".equals(System.getProperty("user.name"));
        PostgresServer postgres = new PostgresServer(bin, folder, ForkedJvm.freePort(), root);
        if (root) {
            run(List.of("chown", "-R", USER + ":" + USER, folder.toString()));
        }
        run(postgres.asServerUser(List.of(bin.resolve("initdb").toString(), "-D", postgres.data.toString(), "-U",
                USER, "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions")));
        postgres.startServer();
        return postgres;
    }

    /** The newest PostgreSQL under /usr/lib/postgresql, as Debian installs it. */
    private static Path binaries() throws IOException {
        Path root = Paths.get("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("no PostgreSQL under " + root + ": run scripts/install-test-tools.sh");
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(version -> version.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("postgres")))
                    .max(Comparator.comparing(bin -> Integer.parseInt(bin.getParent().getFileName().toString()
                            .replaceAll("\\D.*", "0"))))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL server under " + root));
        }
    }

    int port() {
        return port;
    }

    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** Starts the server on its data directory and waits until it takes logins. */
    void startServer() throws IOException, InterruptedException {
        List<String> command = asServerUser(List.of(bin.resolve("postgres").toString(), "-D", data.toString(),
                "-p", String.valueOf(port), "-c", "listen_addresses=127.0.0.1", "-c",
                "unix_socket_directories=" + folder, "-c", "fsync=off", "-c", "max_connections=60"));
        server = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(folder.resolve("server.log").toFile()).start();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try (Connection connection = connect()) {
                return;
            } catch (SQLException notYet) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("PostgreSQL did not start: " + log());
                }
                Thread.sleep(50);
            }
        }
    }

    /** Stops the server at once (a fast shutdown: clients are disconnected) and waits for it. */
    void stopServer() throws IOException, InterruptedException {
        if (server == null || !server.isAlive()) {
            return;
        }
        // SIGINT is PostgreSQL's fast shutdown; Process.destroy's SIGTERM would wait for every client.
        run(List.of("kill", "-INT", String.valueOf(server.pid())));
        if (!server.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            server.destroyForcibly();
            server.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        server = null;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), USER, "");
    }

    String log() {
        try {
            return Files.readString(folder.resolve("server.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stopServer();
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    private List<String> asServerUser(List<String> command) {
        if (!root) {
            return command;
        }
        List<String> asUser = new ArrayList<>(List.of("setpriv", "--reuid=" + USER, "--regid=" + USER,
                "--init-groups", "--"));
        asUser.addAll(command);
        return asUser;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }
}
