package dev.pulse.it.apps;

import java.io.File;
import java.lang.invoke.MethodHandles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import org.apache.felix.framework.Felix;
import org.jboss.modules.LocalModuleLoader;
import org.jboss.modules.Module;
import org.osgi.framework.Bundle;

/**
 * Loads one timed class through each kind of class loader that delegates only {@code java.*}:
 * an Apache Felix bundle (its activator calls the method as the bundle starts), a JBoss Modules
 * module, a plain {@link JavaOnlyClassLoader}, and the same loader defined as a hidden class
 * (which no agent can weave); plus one through the application class loader, for comparison.
 * Then constructs a queue holder inside the module and starts a HikariCP pool embedded in the
 * bundle ("isolated-db", H2 in memory, one connection borrowed and returned), calls each
 * {@code CALLS} times, and with
 * {@code --measure}, times a loop of calls of each.
 *
 * <p>Arguments: {@code <bundle jar> <felix cache> <module repository> <plain jar>
 * [--await <file>] [--measure]}. With {@code --await} it prints "app: ready" once everything is
 * loaded and called once, and makes its counted calls only when the file exists (after an attach).
 * Prints "app: done felix=N module=N plain=N hidden=N app=N", the calls made after "ready" (all
 * calls without {@code --await}), and stays up until killed.
 */
public final class IsolatedLoadersApp {

    static final int CALLS = 5_000;
    static final int WARM_UP = 200_000;
    static final int ROUNDS = Integer.getInteger("isolated.rounds", 5);
    static final int MEASURED = 200_000;
    static final String[] NAMES = {"felix", "module", "plain", "hidden", "app"};

    /** A queue holder constructed inside the module, kept alive for the sampler. */
    static volatile Object holder;
    /** A HikariCP pool embedded in the bundle, started, kept alive for the sampler. */
    static volatile Object pool;

    private IsolatedLoadersApp() {
    }

    public static void main(String[] args) throws Exception {
        Path bundleJar = Paths.get(args[0]);
        Path felixCache = Paths.get(args[1]);
        Path moduleRepository = Paths.get(args[2]);
        Path plainJar = Paths.get(args[3]);
        Path await = null;
        boolean measure = false;
        for (int i = 4; i < args.length; i++) {
            if (args[i].equals("--await")) {
                await = Paths.get(args[++i]);
            } else if (args[i].equals("--measure")) {
                measure = true;
            }
        }

        Map<String, String> felixConfig = new HashMap<>();
        felixConfig.put("org.osgi.framework.storage", felixCache.toString());
        felixConfig.put("org.osgi.framework.storage.clean", "onFirstInit");
        Felix felix = new Felix(felixConfig);
        felix.init();
        felix.start();
        Bundle bundle = felix.getBundleContext().installBundle(bundleJar.toUri().toString());
        bundle.start();

        Module module = new LocalModuleLoader(new File[] {moduleRepository.toFile()}).loadModule("dev.pulse.it.work");

        ClassLoader hiddenLoader = (ClassLoader) MethodHandles.lookup()
                .defineHiddenClass(classFile(JavaOnlyClassLoader.class), true).lookupClass()
                .getConstructor(Path.class, ClassLoader.class)
                .newInstance(plainJar, IsolatedLoadersApp.class.getClassLoader());

        Map<String, LongUnaryOperator> works = new LinkedHashMap<>();
        works.put("felix", work(bundle.loadClass("dev.pulse.it.isolated.FelixWork")));
        works.put("module", work(module.getClassLoader().loadClass("dev.pulse.it.isolated.ModuleWork")));
        works.put("plain", work(new JavaOnlyClassLoader(plainJar, IsolatedLoadersApp.class.getClassLoader())
                .loadClass("dev.pulse.it.isolated.PlainWork")));
        works.put("hidden", work(hiddenLoader.loadClass("dev.pulse.it.isolated.HiddenWork")));
        works.put("app", work(Class.forName("dev.pulse.it.isolated.AppWork")));
        for (String name : NAMES) {
            if (works.get(name).getClass().getClassLoader() == IsolatedLoadersApp.class.getClassLoader()
                    && !name.equals("app")) {
                throw new IllegalStateException(name + " was loaded by the application class loader");
            }
        }

        Map<String, Long> calls = new LinkedHashMap<>();
        if (await != null) {
            works.values().forEach(work -> work.applyAsLong(1));
            System.out.println("app: ready");
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!Files.exists(await) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            for (String name : NAMES) {
                calls.put(name, 0L);
            }
        } else {
            for (String name : NAMES) {
                calls.put(name, 0L);
            }
            calls.put("felix", (long) dev.pulse.it.isolated.FelixActivator.CALLS);
        }

        holder = module.getClassLoader().loadClass("dev.pulse.it.isolated.ModuleHolder").getConstructor().newInstance();
        pool = startPool(bundle);
        long sum = 0;
        for (String name : NAMES) {
            LongUnaryOperator work = works.get(name);
            for (int i = 0; i < CALLS; i++) {
                sum += work.applyAsLong(i);
            }
            calls.merge(name, (long) CALLS, Long::sum);
        }
        if (measure) {
            // Rounds alternate between the loaders; the best round of each is the least disturbed.
            Map<String, Double> best = new LinkedHashMap<>();
            for (String name : NAMES) {
                nanosPerCall(works.get(name), WARM_UP);
                best.put(name, Double.MAX_VALUE);
                calls.merge(name, (long) WARM_UP + (long) ROUNDS * MEASURED, Long::sum);
            }
            for (int round = 0; round < ROUNDS; round++) {
                for (String name : NAMES) {
                    best.merge(name, nanosPerCall(works.get(name), MEASURED), Math::min);
                }
            }
            StringBuilder line = new StringBuilder("app: ns per call, best of " + ROUNDS + " rounds of " + MEASURED + ":");
            best.forEach((name, nanos) -> line.append(' ').append(name).append('=')
                    .append(String.format(java.util.Locale.ROOT, "%.1f", nanos)));
            System.out.println(line);
        }
        StringBuilder done = new StringBuilder("app: done");
        calls.forEach((name, count) -> done.append(' ').append(name).append('=').append(count));
        System.out.println(done + " (sum " + sum + ")");
        Thread.sleep(120_000);
        felix.stop();
    }

    private static double nanosPerCall(LongUnaryOperator work, int calls) {
        long sum = 0;
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            sum += work.applyAsLong(i);
        }
        long elapsed = System.nanoTime() - start;
        if (sum == 42) {
            System.out.println("app: unlikely sum");
        }
        return (double) elapsed / calls;
    }

    private static Object startPool(Bundle bundle) throws Exception {
        Class<?> type = bundle.loadClass("com.zaxxer.hikari.HikariDataSource");
        Object dataSource = type.getConstructor().newInstance();
        type.getMethod("setDriverClassName", String.class).invoke(dataSource, "org.h2.Driver");
        type.getMethod("setJdbcUrl", String.class).invoke(dataSource, "jdbc:h2:mem:isolated");
        type.getMethod("setPoolName", String.class).invoke(dataSource, "isolated-db");
        type.getMethod("setMaximumPoolSize", int.class).invoke(dataSource, 2);
        try (AutoCloseable connection = (AutoCloseable) type.getMethod("getConnection").invoke(dataSource)) {
            return dataSource;
        }
    }

    private static LongUnaryOperator work(Class<?> type) throws ReflectiveOperationException {
        return (LongUnaryOperator) type.getConstructor().newInstance();
    }

    private static byte[] classFile(Class<?> type) throws java.io.IOException {
        try (var in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }
}
