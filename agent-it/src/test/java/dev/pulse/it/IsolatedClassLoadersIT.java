package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Timed classes in class loaders that delegate only {@code java.*} to their parent, so they do
 * not see the agent's bridge in the bootstrap loader by themselves: a real Apache Felix bundle
 * without boot delegation, a real JBoss Modules module, and a plain such loader. Every call is
 * counted, a queue held by a class of the module is sampled and a HikariCP pool embedded in the
 * bundle is found and its acquisitions timed, with the agent started with the
 * JVM and attached later; a loader no agent can weave
 * (a hidden class) leaves its classes unwoven and says so in one line.
 */
class IsolatedClassLoadersIT {

    private static final String PACKAGE = "dev/pulse/it/isolated/";
    private static final String[] COUNTED = {"felix", "module", "plain", "app"};
    private static final Pattern DONE = Pattern.compile("app: done ((?:\\w+=\\d+ ?)+)");

    private static Path folder;
    private static Path bundleJar;
    private static Path moduleRepository;
    private static Path plainJar;

    @BeforeAll
    static void buildBundleModuleAndJar() throws Exception {
        folder = Files.createTempDirectory("pulse-it-loaders");
        Manifest bundle = new Manifest();
        Attributes main = bundle.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "dev.pulse.it.felixwork");
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Bundle-Activator", "dev.pulse.it.isolated.FelixActivator");
        main.putValue("Import-Package", "org.osgi.framework");
        // A connection pool embedded in the bundle; javax.* from the system bundle, never dev.pulse.*.
        main.putValue("Bundle-ClassPath", ".,lib/hikari.jar,lib/slf4j.jar,lib/h2.jar");
        main.putValue("DynamicImport-Package", "*");
        bundleJar = jar(folder.resolve("felix-work.jar"), bundle, "FelixWork", "FelixActivator");
        embed(bundleJar, Map.of("lib/hikari.jar", library("hikari5", "HikariCP-"),
                "lib/slf4j.jar", library("hikari5", "slf4j-api-"),
                "lib/h2.jar", Paths.get(org.h2.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI())));

        moduleRepository = folder.resolve("modules");
        Path moduleFolder = moduleRepository.resolve("dev/pulse/it/work/main");
        Files.createDirectories(moduleFolder);
        jar(moduleFolder.resolve("work.jar"), null, "ModuleWork", "ModuleHolder");
        Files.writeString(moduleFolder.resolve("module.xml"), String.join("\n",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                "<module xmlns=\"urn:jboss:module:1.9\" name=\"dev.pulse.it.work\">",
                "    <resources>",
                "        <resource-root path=\"work.jar\"/>",
                "    </resources>",
                "</module>", ""));

        plainJar = jar(folder.resolve("plain-work.jar"), null, "PlainWork", "HiddenWork");
    }

    @Test
    void timedClassesInLoadersThatDelegateOnlyJavaAreCountedAndCostWhatOthersDo() throws Exception {
        int port = ForkedJvm.freePort();
        try (ForkedJvm app = ForkedJvm.start(ForkedJvm.agentFlags(config(port)), Map.of(),
                List.of("-cp", classpath(), "dev.pulse.it.apps.IsolatedLoadersApp"),
                appArgs("--measure"))) {
            Map<String, Long> calls = awaitDone(app);
            assertCounted(app, port, calls);
            for (String line : app.stdout().split("\n")) {
                if (line.startsWith("app: ns per call")) {
                    System.out.println("IsolatedClassLoadersIT on " + ForkedJvm.JAVA + ": " + line);
                }
            }
        }
    }

    @Test
    void loadersLoadedBeforeAnAttachAreWovenToo() throws Exception {
        int port = ForkedJvm.freePort();
        Path trigger = folder.resolve("attached-" + port);
        try (ForkedJvm app = ForkedJvm.start(List.of("-XX:+EnableDynamicAgentLoading"), Map.of(),
                List.of("-cp", classpath(), "dev.pulse.it.apps.IsolatedLoadersApp"),
                appArgs("--await", trigger.toString()))) {
            app.awaitStdout("app: ready");
            Process attach = new ProcessBuilder(ForkedJvm.JAVA.toString(), "-jar",
                    ForkedJvm.AGENT_JAR.toAbsolutePath().toString(), "attach", String.valueOf(app.pid()),
                    config(port).toString())
                    .redirectErrorStream(true)
                    .start();
            assertTrue(attach.waitFor(60, TimeUnit.SECONDS), "attach did not finish");
            String output = new String(attach.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, attach.exitValue(), output);
            Files.createFile(trigger);
            Map<String, Long> calls = awaitDone(app);
            assertCounted(app, port, calls);
        }
    }

    private static void assertCounted(ForkedJvm app, int port, Map<String, Long> calls) throws Exception {
        String scrape = app.awaitScrape(port, "the calls of every loader counted, the module's queue and the bundle's pool sampled", text -> {
            for (String name : COUNTED) {
                if (Scrape.value(text, "pulse_processing_duration_seconds_count", "operation=\"" + name + "\"")
                        != calls.get(name)) {
                    return false;
                }
            }
            return Scrape.value(text, "pulse_queue_depth", "queue_name=\"module_items\"") == 3.0
                    && Scrape.value(text, "pulse_db_pool_max", "pool=\"isolated-db\"") == 2.0
                    && Scrape.value(text, "pulse_db_pool_acquire_duration_seconds_count", "pool=\"isolated-db\"") >= 1;
        });
        for (String name : COUNTED) {
            assertEquals((double) calls.get(name),
                    Scrape.value(scrape, "pulse_processing_duration_seconds_count", "operation=\"" + name + "\""),
                    name + "\n" + scrape + app.describe());
        }
        List<String> warnings = new ArrayList<>();
        for (String line : app.agentLines()) {
            if (line.startsWith("pulse: warning: not weaving")) {
                warnings.add(line.replaceAll("@[0-9a-f]+", "@<hash>").replaceAll("/0x[0-9a-f]+", "/<hidden>"));
            }
        }
        assertEquals(List.of("pulse: warning: not weaving dev.pulse.it.isolated.HiddenWork: its class loader "
                + "dev.pulse.it.apps.JavaOnlyClassLoader/<hidden>@<hash> cannot see dev.pulse.agent.bridge.Bridge"),
                warnings, app.describe());
        assertTrue(Scrape.value(scrape, "pulse_agent_errors_total", "component=\"weaver\"") == 1.0, scrape);
        assertTrue(!app.stderr().contains("NoClassDefFoundError"), app.describe());
    }

    private static Map<String, Long> awaitDone(ForkedJvm app) throws InterruptedException {
        app.awaitStdout("app: done");
        Matcher done = DONE.matcher(app.stdout());
        assertTrue(done.find(), app.describe());
        Map<String, Long> calls = new LinkedHashMap<>();
        for (String pair : done.group(1).trim().split(" ")) {
            String[] parts = pair.split("=");
            calls.put(parts[0], Long.parseLong(parts[1]));
        }
        return calls;
    }

    private static Path config(int port) throws IOException {
        return ForkedJvm.writeConfig(folder,
                "pulse.service=isolated-loaders",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port,
                "pulse.sample.interval=500ms",
                "pulse.queue.module_items=dev.pulse.it.isolated.ModuleHolder#items",
                "pulse.timer.felix=dev.pulse.it.isolated.FelixWork#applyAsLong",
                "pulse.timer.module=dev.pulse.it.isolated.ModuleWork#applyAsLong",
                "pulse.timer.plain=dev.pulse.it.isolated.PlainWork#applyAsLong",
                "pulse.timer.hidden=dev.pulse.it.isolated.HiddenWork#applyAsLong",
                "pulse.timer.app=dev.pulse.it.isolated.AppWork#applyAsLong");
    }

    private static String[] appArgs(String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of(bundleJar.toString(),
                Files.createTempDirectory(folder, "felix-cache").toString(), moduleRepository.toString(),
                plainJar.toString()));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    private static String classpath() throws Exception {
        return ForkedJvm.appsClasspathWith(org.apache.felix.framework.Felix.class, org.jboss.modules.Module.class);
    }

    private static Path library(String folder, String prefix) throws IOException {
        Path libs = Paths.get(System.getProperty("pulse.it.pool.libs", "target/pool-libs"), folder);
        try (var files = Files.list(libs)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + prefix + "*.jar in " + libs));
        }
    }

    /** Rewrites {@code jar} with the given files added as entries. */
    private static void embed(Path jar, Map<String, Path> entries) throws IOException {
        Path copy = jar.resolveSibling(jar.getFileName() + ".tmp");
        try (java.util.jar.JarInputStream in = new java.util.jar.JarInputStream(Files.newInputStream(jar));
                JarOutputStream out = new JarOutputStream(Files.newOutputStream(copy), in.getManifest())) {
            for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                out.putNextEntry(new JarEntry(entry.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
            for (Map.Entry<String, Path> entry : entries.entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey()));
                out.write(Files.readAllBytes(entry.getValue()));
                out.closeEntry();
            }
        }
        Files.move(copy, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static Path jar(Path file, Manifest manifest, String... classes) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
                JarOutputStream jar = manifest == null ? new JarOutputStream(out) : new JarOutputStream(out, manifest)) {
            for (String name : classes) {
                jar.putNextEntry(new JarEntry(PACKAGE + name + ".class"));
                jar.write(Files.readAllBytes(Paths.get(ForkedJvm.APPS_CLASSPATH, PACKAGE + name + ".class")));
                jar.closeEntry();
            }
        }
        return file;
    }
}
