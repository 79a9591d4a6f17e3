package dev.pulse.it.apps.web;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the web server test apps share: requests held on a gate until the test releases them,
 * requests that burn CPU, and a watcher thread (outside the server's pools) that prints the
 * server's own figures of its pool as "figures ..." whenever they change, releases the held
 * requests when the file "release" appears in the folder, stops the server (the JVM goes on)
 * when "stop" appears, and exits when "exit" appears.
 */
public final class WebControl {

    /** Once released, open for good: requests queued behind the held ones must not hold again. */
    private static final CountDownLatch GATE = new CountDownLatch(1);

    private WebControl() {
    }

    /** Blocks the request's thread until the test has released the held requests (at most a minute). */
    public static void hold() throws InterruptedException {
        GATE.await(60, TimeUnit.SECONDS);
    }

    /** Runs on the request's thread until it has used {@code millis} of CPU time. */
    public static long burn(long millis) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long end = threads.getCurrentThreadCpuTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long sum = 0;
        while (threads.getCurrentThreadCpuTime() < end) {
            for (int i = 0; i < 100_000; i++) {
                sum += i * 31L ^ sum;
            }
        }
        return sum;
    }

    /** Starts the watcher and prints "app: ready"; {@code stop} stops the server. */
    public static void watch(Path folder, Supplier<String> figures, Runnable stop) {
        Thread watcher = new Thread(() -> {
            String last = null;
            boolean stopped = false;
            try {
                while (true) {
                    String now = figures.get();
                    if (!now.equals(last)) {
                        System.out.println("figures " + now);
                        last = now;
                    }
                    if (Files.deleteIfExists(folder.resolve("release"))) {
                        GATE.countDown();
                        System.out.println("app: released");
                    }
                    if (!stopped && Files.exists(folder.resolve("stop"))) {
                        GATE.countDown();
                        stop.run();
                        stopped = true;
                        System.out.println("app: stopped");
                    }
                    if (Files.exists(folder.resolve("exit"))) {
                        System.exit(0);
                    }
                    Thread.sleep(50);
                }
            } catch (Exception e) {
                e.printStackTrace();
                System.exit(1);
            }
        }, "web-control");
        watcher.start();
        System.out.println("app: ready");
    }
}
