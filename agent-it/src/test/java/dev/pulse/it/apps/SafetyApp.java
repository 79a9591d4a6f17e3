package dev.pulse.it.apps;

import dev.pulse.it.apps.shapes.Square;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fault cases that can share one JVM, each printing one "app: <case> ..." line the test
 * checks against the scrape: exceptions, a failing recorder, deep recursion, many threads, a
 * wildcard over awkward methods, a dropped class loader and queue holder. With
 * {@code --metrics-port} (the agent's endpoint), the queue holder is dropped only once the agent
 * has sampled it. It then prints "app: ready", waits for the file named by {@code --stop-file} (at most a minute), prints its
 * non-daemon threads and its system properties, and returns from main.
 */
public final class SafetyApp {

    static final int RECURSION_DEPTH = 10_000;
    static final int PLATFORM_THREADS = 64;
    static final int CALLS_PER_PLATFORM_THREAD = 1_000;
    static final int VIRTUAL_THREADS = 10_000;
    static final int CALLS_PER_VIRTUAL_THREAD = 10;

    public static void main(String[] args) throws Exception {
        Path stopFile = Paths.get(args[1]);
        int metricsPort = args.length > 3 && args[2].equals("--metrics-port") ? Integer.parseInt(args[3]) : 0;
        exceptions();
        faultyRecorder();
        recursion();
        platformThreads();
        virtualThreads();
        shapes();
        droppedClassLoader();
        droppedQueueHolder(metricsPort);
        System.out.println("app: ready");

        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!Files.exists(stopFile) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        System.out.println("app: non-daemon threads=" + nonDaemonThreads());
        for (Map.Entry<String, String> property : properties().entrySet()) {
            System.out.println("app: property " + property.getKey() + "=" + property.getValue());
        }
        System.out.println("app: done");
    }

    private static void exceptions() {
        int same = 0;
        for (int i = 0; i < 3; i++) {
            try {
                Faults.failChecked();
            } catch (IOException e) {
                same += e == Faults.thrown ? 1 : 0;
            }
            try {
                Faults.failRuntime();
            } catch (IllegalArgumentException e) {
                same += e == Faults.thrown ? 1 : 0;
            }
            try {
                Faults.failError();
            } catch (Faults.Broken e) {
                same += e == Faults.thrown ? 1 : 0;
            }
        }
        System.out.println("app: exceptions same=" + same + " of 9");
    }

    private static void faultyRecorder() {
        long sum = 0;
        for (int i = 0; i < 50; i++) {
            sum += Faults.compute(i);
        }
        System.out.println("app: faulty sum=" + sum);
    }

    private static void recursion() throws InterruptedException {
        int[] results = new int[2];
        Throwable[] failure = new Throwable[1];
        // A generous stack, the same with and without the agent: the case is that the advice adds
        // no overflow of its own, not how deep the JVM's default stack goes.
        Thread thread = new Thread(null, () -> {
            try {
                results[0] = Recursion.depth(RECURSION_DEPTH);
                results[1] = Recursion.pingPong(100);
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "recursion", 64L << 20);
        thread.start();
        thread.join();
        System.out.println("app: recursion depth=" + results[0] + " pingPong=" + results[1] + " failure=" + failure[0]);
    }

    private static void platformThreads() throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        AtomicLong sum = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < PLATFORM_THREADS; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                long local = 0;
                for (int i = 0; i < CALLS_PER_PLATFORM_THREAD; i++) {
                    local += Counted.hit(i);
                }
                sum.addAndGet(local);
            }, "worker-" + t);
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        System.out.println("app: platform threads=" + PLATFORM_THREADS + " sum=" + sum.get());
    }

    /** Started reflectively: this class compiles for Java 17, virtual threads are Java 21. */
    private static void virtualThreads() throws Exception {
        if (Runtime.version().feature() < 21) {
            System.out.println("app: virtual threads=none");
            return;
        }
        Method factory = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
        AtomicLong sum = new AtomicLong();
        ExecutorService executor = (ExecutorService) factory.invoke(null);
        for (int t = 0; t < VIRTUAL_THREADS; t++) {
            executor.submit(() -> {
                long local = 0;
                for (int i = 0; i < CALLS_PER_VIRTUAL_THREAD; i++) {
                    local += Counted.virtualHit(i);
                }
                sum.addAndGet(local);
            });
        }
        executor.shutdown();
        if (!executor.awaitTermination(1, TimeUnit.MINUTES)) {
            throw new IllegalStateException("virtual threads did not finish");
        }
        System.out.println("app: virtual threads=" + VIRTUAL_THREADS + " sum=" + sum.get());
    }

    private static void shapes() {
        List<Square> squares = new ArrayList<>();
        for (int i = 5; i > 0; i--) {
            squares.add(new Square(i));
        }
        squares.add(new Square());
        List<Square> sorted = Square.sorted(squares);
        @SuppressWarnings({"rawtypes", "unchecked"})
        Comparable<Object> raw = (Comparable) sorted.get(0);
        int compared = 0;
        for (int i = 0; i < 5; i++) {
            compared += raw.compareTo(sorted.get(i + 1)) < 0 ? 1 : 0;
        }
        System.out.println("app: shapes " + sorted.get(5).describe() + " compared=" + compared);
    }

    /** A child loader with its own copy of a timed class: once dropped, nothing may keep it alive. */
    private static void droppedClassLoader() throws Exception {
        WeakReference<ClassLoader> loader = loadAndRunDropped();
        System.out.println("app: class loader collected=" + collected(loader));
    }

    private static WeakReference<ClassLoader> loadAndRunDropped() throws Exception {
        URLClassLoader child = childLoader();
        Class<?> dropped = child.loadClass(Dropped.class.getName());
        Method work = dropped.getMethod("work", int.class);
        int sum = 0;
        for (int i = 0; i < 3; i++) {
            sum += (Integer) work.invoke(null, i);
        }
        System.out.println("app: dropped loader " + (dropped.getClassLoader() == child) + " sum=" + sum);
        child.close();
        return new WeakReference<>(child);
    }

    /**
     * A queue holder of a child loader: once the sampler has read it (its field and size() looked
     * up), the app drops it and its loader; nothing may keep either alive.
     */
    private static void droppedQueueHolder(int metricsPort) throws Exception {
        List<WeakReference<?>> dropped = sampleAndDropQueueHolder(metricsPort);
        System.out.println("app: queue holder collected=" + collected(dropped.get(0)));
        System.out.println("app: queue holder's class loader collected=" + collected(dropped.get(1)));
    }

    private static List<WeakReference<?>> sampleAndDropQueueHolder(int metricsPort) throws Exception {
        URLClassLoader child = childLoader();
        Object holder = child.loadClass(Holder.class.getName()).getConstructor(int.class).newInstance(6);
        if (metricsPort > 0) {
            awaitQueueDepth(metricsPort, "holders", 6);
        }
        child.close();
        return List.of(new WeakReference<>(holder), new WeakReference<>(child));
    }

    /** Scrapes the agent's endpoint until the queue's depth is {@code depth}, for at most 20 s. */
    private static void awaitQueueDepth(int port, String queue, double depth) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        URL metrics = java.net.URI.create("http://127.0.0.1:" + port + "/metrics").toURL();
        while (System.nanoTime() < deadline) {
            HttpURLConnection connection = (HttpURLConnection) metrics.openConnection();
            try (InputStream in = connection.getInputStream()) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (line.startsWith("pulse_queue_depth{") && line.contains("queue_name=\"" + queue + "\"")
                            && Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) == depth) {
                        return;
                    }
                }
            } catch (IOException notYet) {
                // the endpoint is still starting
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("queue " + queue + " was not sampled at depth " + depth);
    }

    /** A loader of its own over the app's class path, delegating only to the platform loader. */
    private static URLClassLoader childLoader() throws IOException {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(Paths.get(entry).toUri().toURL());
        }
        return new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
    }

    /**
     * Waits, with a deadline, for the referent to be collected: 8 s, so that the cases that fail
     * still leave the app time to print "app: ready" before the test stops waiting.
     */
    private static boolean collected(WeakReference<?> reference) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        while (reference.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        return reference.get() == null;
    }

    private static String nonDaemonThreads() {
        TreeSet<String> names = new TreeSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (!thread.isDaemon() && thread != Thread.currentThread() && !thread.getName().equals("DestroyJavaVM")) {
                names.add(thread.getName());
            }
        }
        return String.join(",", names);
    }

    private static Map<String, String> properties() {
        Map<String, String> sorted = new TreeMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            sorted.put(name, System.getProperty(name).replace("\n", "\\n").replace("\r", "\\r"));
        }
        return sorted;
    }
}
