package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One JVM of SafetyApp runs the fault cases that can share it (see the app); each test checks
 * one case against the app's own report and the scrape. The last test lets the app end and
 * checks how it ends, and compares its system properties with a run without the agent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SafetyIT {

    private static final String APP = "dev.pulse.it.apps.SafetyApp";
    private static final String FAULT_HOOK = "-Ddev.pulse.agent.test.faulty_operation=faulty";
    private Path folder;
    private ForkedJvm app;
    private int port;
    private String scrape;

    @BeforeAll
    void start() throws Exception {
        folder = Files.createTempDirectory("pulse-it");
        port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder,
                "pulse.service=safety",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.sample.interval=200ms",
                "pulse.timer.throwing=dev.pulse.it.apps.Faults#fail*",
                "pulse.timer.faulty=dev.pulse.it.apps.Faults#compute",
                "pulse.timer.recursion=dev.pulse.it.apps.Recursion#depth",
                "pulse.timer.reentrant=dev.pulse.it.apps.Recursion#pingPong",
                "pulse.timer.platform=dev.pulse.it.apps.Counted#hit",
                "pulse.timer.virtual=dev.pulse.it.apps.Counted#virtualHit",
                "pulse.timer.shapes=dev.pulse.it.apps.shapes.*#*",
                "pulse.timer.compare=dev.pulse.it.apps.shapes.Square#compareTo",
                "pulse.timer.dropped=dev.pulse.it.apps.Dropped#work",
                "pulse.queue.holders=dev.pulse.it.apps.Holder#jobs");
        app = ForkedJvm.start(List.of(ForkedJvm.agentFlags(config).get(0), FAULT_HOOK), Map.of(),
                List.of("-cp", ForkedJvm.APPS_CLASSPATH, APP), "--stop-file", folder.resolve("stop").toString(),
                "--metrics-port", String.valueOf(port));
        app.awaitStdout("app: ready");
        scrape = app.awaitScrape(port);
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    @Order(1)
    void theSameExceptionObjectReachesTheCallerAndIsCountedAsAnError() {
        assertTrue(app.stdout().contains("app: exceptions same=9 of 9"), app::describe);
        assertEquals(9, count("throwing"));
        assertEquals(3, errors("throwing", "IOException"));
        assertEquals(3, errors("throwing", "IllegalArgumentException"));
        assertEquals(3, errors("throwing", "Broken"));
    }

    @Test
    @Order(1)
    void aFaultInTheAgentsRecordingIsSwallowedCountedAndChangesNoResult() {
        // sum of 2i+1 for i < 50
        assertTrue(app.stdout().contains("app: faulty sum=2500"), app::describe);
        assertEquals(50, Scrape.value(scrape, "pulse_agent_errors_total", "component=\"recorder\""));
        assertEquals(0, count("faulty"));
        assertEquals(0, Scrape.value(scrape, "pulse_processing_inflight", "operation=\"faulty\""));
    }

    @Test
    @Order(1)
    void deepRecursionAndReentrantCallsCountTheOutermostCallOnlyWithoutOverflow() {
        assertTrue(app.stdout().contains("app: recursion depth=10000 pingPong=100 failure=null"), app::describe);
        // A call re-entering the same operation on the same thread is part of the outer call.
        assertEquals(1, count("recursion"));
        assertEquals(1, count("reentrant"));
        assertEquals(0, Scrape.value(scrape, "pulse_processing_inflight", "operation=\"recursion\""));
    }

    @Test
    @Order(1)
    void manyPlatformAndVirtualThreadsAreCountedExactly() {
        assertTrue(app.stdout().contains("app: platform threads=64 sum=" + 64L * (1000 * 1001 / 2)), app::describe);
        assertEquals(64_000, count("platform"));
        assertEquals(0, Scrape.value(scrape, "pulse_processing_inflight", "operation=\"platform\""));
        // The forked JVM starts virtual threads where it has them (JDK 21+).
        if (!app.stdout().contains("app: virtual threads=none")) {
            assertTrue(app.stdout().contains("app: virtual threads=10000 sum=" + 10_000L * 55), app::describe);
            assertEquals(100_000, count("virtual"));
        }
    }

    @Test
    @Order(1)
    void aWildcardSkipsAbstractNativeBridgeAndLambdaMethodsAndConstructors() {
        assertTrue(app.stdout().contains("app: shapes Square of area 25.0 compared=5"), app::describe);
        // compareTo(Object) is a bridge: each of the 5 calls through it is counted once, not twice.
        assertEquals(5, count("compare"));
        // Timed: describe (1, with the area call inside it, the same operation re-entered), compareTo (5),
        // sorted (1); never the constructors (6), lambda bodies or the bridge.
        assertEquals(7, count("shapes"));
        assertEquals(0, Scrape.value(scrape, "pulse_agent_errors_total", "component=\"weaver\""));
        assertFalse(app.stderr().contains("could not weave"), app::describe);
        assertFalse(app.stderr().contains("VerifyError"), app::describe);
    }

    @Test
    @Order(1)
    void aDroppedClassLoaderWithTimedClassesAndADroppedQueueHolderAreCollected() {
        assertTrue(app.stdout().contains("app: dropped loader true sum=9"), app::describe);
        assertEquals(3, count("dropped"));
        assertTrue(app.stdout().contains("app: class loader collected=true"), app::describe);
        // Dropped only after the sampler read it: its field and size() had been looked up.
        assertTrue(app.stdout().contains("app: queue holder collected=true"), app::describe);
        assertTrue(app.stdout().contains("app: queue holder's class loader collected=true"), app::describe);
    }

    @Test
    @Order(2)
    void theServiceEndsNormallyLeavingOnlyDaemonThreadsAndItsPropertiesUntouched() throws Exception {
        Files.createFile(folder.resolve("stop"));
        assertEquals(0, app.awaitExit(), app::describe);
        assertTrue(app.stdout().contains("app: non-daemon threads=\n"), app::describe);
        assertTrue(app.stdout().contains("app: done"), app::describe);

        Path stopped = folder.resolve("stopped");
        Files.createFile(stopped);
        try (ForkedJvm plain = ForkedJvm.start(List.of(), Map.of(), List.of("-cp", ForkedJvm.APPS_CLASSPATH, APP),
                "--stop-file", stopped.toString())) {
            assertEquals(0, plain.awaitExit(), plain::describe);
            assertEquals(properties(plain), properties(app));
        }
    }

    /** The app's system properties, less the two that differ by the command line itself. */
    private static List<String> properties(ForkedJvm jvm) {
        return jvm.stdout().lines()
                .filter(line -> line.startsWith("app: property "))
                .filter(line -> !line.startsWith("app: property sun.java.command=")
                        && !line.startsWith("app: property dev.pulse.agent.test."))
                .collect(Collectors.toList());
    }

    private double count(String operation) {
        double value = Scrape.value(scrape, "pulse_processing_duration_seconds_count",
                "operation=\"" + operation + "\"");
        return Double.isNaN(value) ? 0 : value;
    }

    private double errors(String operation, String exception) {
        return Scrape.value(scrape, "pulse_processing_errors_total", "operation=\"" + operation + "\"",
                "exception=\"" + exception + "\"");
    }
}
