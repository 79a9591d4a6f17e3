package dev.pulse.it.apps;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * Virtual threads (JDK 21+, reached by reflection: this class compiles for Java 17). Holds
 * {@link #FETCHES} tasks of an unnamed {@code newVirtualThreadPerTaskExecutor()} and
 * {@link #MAILS} of a thread-per-task executor whose virtual threads are named "mailer-N" on a
 * latch, after {@link #BURNERS} virtual threads burnt CPU on the scheduler's carriers, and prints
 * the carrier threads that exist. When the file args[0] appears it releases the tasks and gives
 * each executor one more, held; when args[1] appears it shuts the executors down. With "--tick" (args[2]) a virtual thread wakes every
 * 200 ms, so that a carrier stays while an agent is attached.
 */
public final class VirtualThreadsApp {

    static final int FETCHES = 30;
    static final int MAILS = 7;
    static final int BURNERS = 2;

    private static final CountDownLatch HELD = new CountDownLatch(1);
    private static final CountDownLatch LAST = new CountDownLatch(1);

    private VirtualThreadsApp() {
    }

    public static void main(String[] args) throws Exception {
        Path release = Paths.get(args[0]);
        Path shutdown = Paths.get(args[1]);
        burnOnCarriers();
        if (args.length > 2 && args[2].equals("--tick")) {
            // Keeps a carrier from timing out while an agent is attached.
            virtualFactory("ticker-").newThread(VirtualThreadsApp::tick).start();
        }
        ExecutorService fetchers = startFetchers();
        ExecutorService mailers = startMailers();
        Thread.sleep(300);
        System.out.println("app: held carriers=" + carriers());
        awaitFile(release);
        HELD.countDown();
        // One more task each, held until the shut-down: an agent attached since finds them by it.
        CountDownLatch last = new CountDownLatch(2);
        fetchers.submit(() -> holdLast(last));
        mailers.submit(() -> holdLast(last));
        last.await();
        System.out.println("app: released");
        awaitFile(shutdown);
        LAST.countDown();
        fetchers.shutdown();
        mailers.shutdown();
        System.out.println("app: shut down");
        Thread.sleep(60_000);
    }

    /** Unnamed virtual threads: the executor is named from where it was made. */
    private static ExecutorService startFetchers() throws Exception {
        ExecutorService executor = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
                .invoke(null);
        hold(executor, FETCHES);
        return executor;
    }

    /** Virtual threads named "mailer-0", "mailer-1", ...: the executor is named "mailer". */
    private static ExecutorService startMailers() throws Exception {
        ExecutorService executor = (ExecutorService) Executors.class
                .getMethod("newThreadPerTaskExecutor", ThreadFactory.class)
                .invoke(null, virtualFactory("mailer-"));
        hold(executor, MAILS);
        return executor;
    }

    private static void hold(ExecutorService executor, int tasks) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(tasks);
        for (int i = 0; i < tasks; i++) {
            executor.submit(() -> {
                started.countDown();
                HELD.await();
                return null;
            });
        }
        started.await();
    }

    /** Virtual threads that burn CPU on the carriers, then end. */
    private static void burnOnCarriers() throws Exception {
        ThreadFactory factory = virtualFactory("burner-");
        Thread[] burners = new Thread[BURNERS];
        for (int i = 0; i < BURNERS; i++) {
            burners[i] = factory.newThread(VirtualThreadsApp::burn);
            burners[i].start();
        }
        for (Thread burner : burners) {
            burner.join();
        }
    }

    private static Void holdLast(CountDownLatch started) throws InterruptedException {
        started.countDown();
        LAST.await();
        return null;
    }

    private static void tick() {
        try {
            while (true) {
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory virtualFactory(String prefix) throws Exception {
        Class<?> builderType = Class.forName("java.lang.Thread$Builder");
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        builder = builderType.getMethod("name", String.class, long.class).invoke(builder, prefix, 0L);
        return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
    }

    /**
     * A fixed amount of work, about a third of a second of CPU: a virtual
     * thread cannot measure its own CPU time, and wall time would measure the machine's load.
     */
    private static void burn() {
        long x = 1;
        for (long i = 0; i < 150_000_000L; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        if (x == 42) {
            System.out.println("app: " + x);
        }
    }

    /** The virtual-thread scheduler's carrier threads alive now. */
    private static long carriers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getClass().getName().equals("jdk.internal.misc.CarrierThread"))
                .filter(Thread::isAlive)
                .count();
    }

    private static void awaitFile(Path file) throws InterruptedException {
        while (!Files.exists(file)) {
            Thread.sleep(20);
        }
    }
}
