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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a timer counts, in one JVM of TimerCountsApp: each call once through Spring's CGLIB proxy,
 * a JDK dynamic proxy and a servlet's two {@code service} overloads; interface default and static
 * methods, the rest of a class with one method too large for the advice, and classes generated in
 * memory are timed; a class whose superclass is missing, a misspelt pattern and a class never
 * loaded are handled without a false alarm, a zero series or silence.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TimerCountsIT {

    private static final String APP = "dev.pulse.it.apps.TimerCountsApp";
    private Path folder;
    private int port;
    private ForkedJvm app;
    private String scrape;

    @BeforeAll
    void start() throws Exception {
        folder = Files.createTempDirectory("pulse-it");
        port = ForkedJvm.freePort();
        Path config = ForkedJvm.writeConfig(folder,
                "pulse.service=counts",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.sample.interval=200ms",
                "pulse.pools=none",
                "pulse.timer.spring_subtypes=dev.pulse.it.apps.shop.ReportService+#buildReport",
                "pulse.timer.spring_wildcard=dev.pulse.it.apps.shop.*#buildReport",
                "pulse.timer.jdk_proxy=dev.pulse.it.apps.shop.api.*#buildReport",
                "pulse.timer.servlet=jakarta.servlet.http.HttpServlet+#service",
                "pulse.timer.servlet_typed=jakarta.servlet.http.HttpServlet+#service(jakarta.servlet.http.HttpServletRequest,*)",
                "pulse.timer.handler=dev.pulse.it.apps.Handler+#handle",
                "pulse.timer.checksum=dev.pulse.it.apps.Handler#checksum",
                "pulse.timer.big=dev.pulse.it.apps.gen.Big#*",
                "pulse.timer.generated=dev.pulse.it.apps.Task+#run",
                "pulse.timer.legacy=dev.pulse.it.apps.gen.Legacy#work",
                // A JDK class the agent weaves for pool discovery, whose execute the app calls: still never timed.
                "pulse.timer.jdk_class=java.util.concurrent.ThreadPoolExecutor#execute",
                "pulse.timer.lazy_base=dev.pulse.it.apps.lazy.Base#run",
                "pulse.timer.lazy_api=dev.pulse.it.apps.lazy.Api+#run",
                "pulse.timer.misspelt=dev.pulse.it.apps.Quiet#proces",
                "pulse.timer.never_loaded=dev.pulse.it.apps.NeverLoaded#run",
                "pulse.queue.late=dev.pulse.it.apps.LateQueueHolder#jobs");
        String classpath = ForkedJvm.appsClasspathWith(
                org.springframework.aop.framework.ProxyFactory.class,
                org.springframework.core.SpringVersion.class,
                org.springframework.beans.factory.BeanFactory.class,
                org.apache.commons.logging.LogFactory.class,
                org.apache.catalina.startup.Tomcat.class,
                jakarta.annotation.PostConstruct.class,
                net.bytebuddy.ByteBuddy.class);
        app = ForkedJvm.start(ForkedJvm.agentFlags(config), Map.of(), List.of("-cp", classpath, APP),
                "--stop-file", folder.resolve("stop").toString());
        // Each stage has its own deadline: a loaded machine starts Tomcat slowly.
        app.awaitStdout("app: spring proxy");
        app.awaitStdout("app: requests=");
        app.awaitStdout("app: ready");
        app.awaitStderr("pulse.timer.misspelt");
        scrape = app.awaitScrape(port, "the late queue to be sampled",
                text -> !Double.isNaN(Scrape.value(text, "pulse_queue_depth", "queue_name=\"late\"")));
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            Files.createFile(folder.resolve("stop"));
            app.awaitExit();
            app.close();
        }
    }

    @Test
    void aCallThroughSpringsCglibProxyCountsOnce() {
        assertTrue(app.stdout().contains("app: spring proxy dev.pulse.it.apps.shop.ReportService$$SpringCGLIB$$"),
                app::describe);
        assertEquals(10, count("spring_subtypes"));
        assertEquals(10, count("spring_wildcard"));
    }

    @Test
    void aCallThroughAJdkDynamicProxyCountsOnce() {
        // The proxy class sits in the interface's package, so the wildcard names it too.
        assertTrue(app.stdout().contains("app: jdk proxy dev.pulse.it.apps.shop.api.$Proxy"), app::describe);
        assertEquals(10, count("jdk_proxy"));
    }

    @Test
    void aServletRequestCountsOnceThoughOneServiceOverloadCallsTheOther() {
        assertTrue(app.stdout().contains("app: requests=25 ok=25"), app::describe);
        assertEquals(25, count("servlet"));
        assertEquals(25, count("servlet_typed"));
    }

    @Test
    void interfaceDefaultAndStaticMethodsAreTimed() {
        assertTrue(app.stdout().contains("app: handler total=55"), app::describe);
        assertEquals(5, count("handler"));
        assertEquals(5, count("checksum"));
    }

    @Test
    void aMethodTooLargeForTheTimerIsLeftAloneAndNamedOnceAndTheRestOfItsClassIsTimed() {
        assertTrue(app.stdout().contains("app: big small=6"), app::describe);
        assertEquals(3, count("big"));
        List<String> named = app.agentLines().stream().filter(line -> line.contains("huge")).collect(Collectors.toList());
        assertEquals(List.of("pulse: warning: pulse.timer.big: dev.pulse.it.apps.gen.Big.huge(I)I has 65492 bytes of"
                + " bytecode, too large to take the timer's code within the JVM's limit of 65535; it is not timed"
                + " (the other methods of its class are)"), named);
    }

    @Test
    void classesGeneratedInMemoryAreMatchedBySupertypeAndAMissingSuperclassRaisesNoFalseAlarm() {
        assertTrue(app.stdout().contains("app: generated sum=1275"), app::describe);
        assertEquals(50, count("generated"));
        assertTrue(app.stdout().contains("app: orphan refused: java.lang.NoClassDefFoundError"), app::describe);
        assertFalse(app.stderr().contains("could not weave"), app::describe);
        assertEquals(0, Scrape.value(scrape, "pulse_agent_errors_total", "component=\"weaver\""));
    }

    @Test
    void aJava14ClassWhoseFinallyIsAJsrRetSubroutineIsTimedOnReturnsAndThrows() {
        // Calls with -1..8: the first throws, the others return 0..9 (sum 45); the finally runs each time.
        assertTrue(app.stdout().contains("app: legacy sum=45 thrown=1 finally=10"), app::describe);
        assertEquals(10, count("legacy"));
        assertEquals(1, Scrape.value(scrape, "pulse_processing_errors_total",
                "operation=\"legacy\"", "exception=\"IllegalStateException\""), scrape);
    }

    @Test
    void aSuperclassGeneratedInMemoryThatTheWeavingOfItsSubclassLoadsIsWovenToo() throws Exception {
        // Impl loads first; reading its super types for the Name+ timer loads Base from its loader,
        // during Impl's transformation, where the JVM hands Base to no transformer: Base is woven
        // at the next sampler pass, and its series start then.
        String woven = app.awaitScrape(port, "Base's timers to start their series",
                text -> Scrape.value(text, "pulse_processing_duration_seconds_count", "operation=\"lazy_base\"") == 0
                        && Scrape.value(text, "pulse_processing_duration_seconds_count", "operation=\"lazy_api\"") == 0);
        Files.createFile(folder.resolve("lazy-go"));
        app.awaitStdout("app: lazy sum=21");
        String called = app.awaitScrape(port, "the calls counted",
                text -> Scrape.value(text, "pulse_processing_duration_seconds_count", "operation=\"lazy_base\"") == 6);
        assertEquals(6, Scrape.value(called, "pulse_processing_duration_seconds_count", "operation=\"lazy_api\""),
                called);
        assertEquals(0, Scrape.value(woven, "pulse_agent_errors_total", "component=\"weaver\""), woven);
    }

    @Test
    void aTimerOnAJdkClassIsSaidOnceAtStartAndExportsNoSeries() {
        List<String> said = app.agentLines().stream().filter(line -> line.contains("jdk_class"))
                .collect(Collectors.toList());
        assertEquals(List.of("pulse: warning: pulse.timer.jdk_class: java.util.concurrent.ThreadPoolExecutor is a JDK"
                + " class, and the agent never weaves the JDK's own classes; nothing is timed for it (name a class of the service)"), said);
        assertFalse(scrape.contains("operation=\"jdk_class\""), scrape);
    }

    @Test
    void aStaticQueueFieldInAClassWithoutAStaticInitializerIsSampled() {
        assertEquals(7, Scrape.value(scrape, "pulse_queue_depth", "queue_name=\"late\""));
    }

    @Test
    void aPatternThatMatchesNothingInItsLoadedClassIsSaidOnceAndExportsNoSeries() {
        List<String> said = app.agentLines().stream().filter(line -> line.contains("misspelt"))
                .collect(Collectors.toList());
        assertEquals(List.of("pulse: warning: pulse.timer.misspelt: dev.pulse.it.apps.Quiet (a class) has no concrete"
                + " method matching \"proces\"; its methods: process, flush; nothing is timed for it yet, and it exports"
                + " no series until a method matches"), said);
        assertFalse(scrape.contains("operation=\"misspelt\""), scrape);
        // A class never loaded: no word, no series.
        assertFalse(scrape.contains("operation=\"never_loaded\""), scrape);
        assertFalse(app.stderr().contains("never_loaded"), app::describe);
    }

    private double count(String operation) {
        return Scrape.value(scrape, "pulse_processing_duration_seconds_count", "operation=\"" + operation + "\"");
    }
}
