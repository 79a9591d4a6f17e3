package dev.pulse.it.apps;

import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.pulse.it.fixture.OtherAgent;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;

/**
 * A service that ships its own Byte Buddy and Prometheus simpleclient (other versions than the
 * agent's) and registers its own metrics, one of them under a name Pulse also uses. Prints what
 * it made, calls {@link Jobs#process} 100 times, prints "app: ready", and ends when the file
 * named by {@code --stop-file} appears.
 */
public final class OwnLibrariesApp {

    public static void main(String[] args) throws Exception {
        Path stopFile = Paths.get(args[1]);
        Object made = new ByteBuddy()
                .subclass(Object.class)
                .method(named("toString"))
                .intercept(FixedValue.value("made by the app's Byte Buddy from " + Paths.get(ByteBuddy.class
                        .getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName()))
                .make()
                .load(OwnLibrariesApp.class.getClassLoader())
                .getLoaded()
                .getDeclaredConstructor()
                .newInstance();
        System.out.println("app: " + made);

        Counter requests = Counter.build("app_requests_total", "Requests.").register();
        Gauge clash = Gauge.build("pulse_agent_info", "The app's own metric of a name Pulse uses.").register();
        requests.inc(3);
        clash.set(42);
        Jobs jobs = new Jobs();
        int failures = 0;
        for (int i = 0; i < 100; i++) {
            try {
                jobs.process(i);
            } catch (IllegalStateException expected) {
                failures++;
            }
        }
        StringWriter text = new StringWriter();
        TextFormat.write004(text, CollectorRegistry.defaultRegistry.metricFamilySamples());
        text.toString().lines().filter(line -> !line.startsWith("#"))
                .forEach(line -> System.out.println("app-metrics: " + line));
        System.out.println("app: failures=" + failures + " other agent calls=" + otherAgentCalls());
        System.out.println("app: ready");

        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!Files.exists(stopFile) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        System.out.println("app: done");
    }

    private static String otherAgentCalls() {
        try {
            return String.valueOf(OtherAgent.calls());
        } catch (LinkageError notOnTheClassPath) {
            return "none";
        }
    }
}
