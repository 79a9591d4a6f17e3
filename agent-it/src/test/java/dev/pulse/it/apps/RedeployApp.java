package dev.pulse.it.apps;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * An embedded Tomcat (loopback, port 0) that deploys the web application in the folder
 * {@code --webapp} (its classes and HikariCP in WEB-INF, loaded by the application's own class
 * loader), calls its servlet, and undeploys it, {@code --rounds} times. With
 * {@code --metrics-port} (the agent's endpoint) each round waits until the agent has sampled the
 * application's pool and its queue (a depth of one per call: the applications empty their queues
 * when they stop, so the depth is this round's alone). It then collects garbage
 * and prints how many of the applications' class loaders are still alive, prints "app: ready",
 * and waits for the file named by {@code --stop-file} (a minute at most).
 */
public final class RedeployApp {

    private static final int CALLS_PER_ROUND = 5;

    public static void main(String[] args) throws Exception {
        Path webapp = Paths.get(option(args, "--webapp"));
        int rounds = Integer.parseInt(option(args, "--rounds"));
        String metricsPort = option(args, "--metrics-port");
        Path stopFile = Paths.get(option(args, "--stop-file"));
        warmUpJdbc();

        Path base = Files.createTempDirectory("tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        tomcat.start();
        int port = connector.getLocalPort();

        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        int answered = 0;
        for (int round = 1; round <= rounds; round++) {
            String pool = "web" + round;
            Context context = tomcat.addContext("/app" + round, webapp.toAbsolutePath().toString());
            Wrapper servlet = Tomcat.addServlet(context, "inbox", "dev.pulse.it.webapp.InboxServlet");
            servlet.addInitParameter("pool", pool);
            servlet.setLoadOnStartup(1);
            context.addServletMappingDecoded("/inbox", "inbox");
            loaders.add(new WeakReference<>(context.getLoader().getClassLoader()));
            for (int call = 0; call < CALLS_PER_ROUND; call++) {
                if (get(port, "/app" + round + "/inbox").startsWith("ok ")) {
                    answered++;
                }
            }
            if (metricsPort != null) {
                awaitSampled(metricsPort, pool, CALLS_PER_ROUND);
            }
            tomcat.getHost().removeChild(context);
        }
        System.out.println("app: rounds=" + rounds + " answered=" + answered + " of " + rounds * CALLS_PER_ROUND);
        System.out.println("app: web application loaders alive=" + alive(loaders) + " of " + rounds);
        System.out.println("app: ready");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!Files.exists(stopFile) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        tomcat.stop();
        tomcat.destroy();
        System.out.println("app: done");
    }

    /** JDBC's drivers are found once, here, rather than under the first application's loader. */
    private static void warmUpJdbc() throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:warm-up")) {
            connection.isValid(1);
        }
    }

    /** Collects garbage until no loader is alive, for at most 30 s; returns how many still are. */
    private static int alive(List<WeakReference<ClassLoader>> loaders) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int alive;
        do {
            System.gc();
            Thread.sleep(50);
            alive = 0;
            for (WeakReference<ClassLoader> loader : loaders) {
                alive += loader.get() == null ? 0 : 1;
            }
        } while (alive > 0 && System.nanoTime() < deadline);
        return alive;
    }

    /** Waits until the agent exports the pool, and the queue at {@code depth}. */
    private static void awaitSampled(String metricsPort, String pool, double depth) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                String scrape = get(Integer.parseInt(metricsPort), "/metrics");
                if (scrape.contains("pool=\"" + pool + "\"") && value(scrape, "pulse_queue_depth") == depth) {
                    return;
                }
            } catch (IOException notYet) {
                // the endpoint is still starting
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the agent did not sample pool " + pool + " and the queue at " + depth);
    }

    private static double value(String scrape, String name) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    private static String get(int port, String path) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        connection.setConnectTimeout(5000);
        connection.setReadTimeout(10000);
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String option(String[] args, String name) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return null;
    }
}
