package dev.pulse.it.apps;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Threads that die of uncaught exceptions and tasks that fail, one after the other so that what
 * the JVM and the handlers print comes in the same order on every run: a lone thread with no
 * handler (the JVM prints the stack), one with its own handler, one whose ThreadGroup handles it,
 * workers of the "orders" pool killed by tasks given to execute(), tasks given to submit(),
 * scheduled tasks of "ticker" (one periodic, which then stops), ForkJoinPool tasks of "crunch",
 * then, under a default handler, one more "orders" worker and, on JDK 21+, a virtual thread.
 * Prints "app: done" and waits to be scraped.
 */
public final class DeathsApp {

    private DeathsApp() {
    }

    public static void main(String[] args) throws Exception {
        out("java " + Runtime.version().feature());
        Thread consumer = new Thread(() -> {
            throw new IllegalStateException("consumer lost its connection");
        }, "order-consumer");
        runToDeath(consumer);

        Thread mailer = new Thread(() -> {
            throw new ReportFailed("mail server refused");
        }, "mailer");
        mailer.setUncaughtExceptionHandler((thread, e) -> out("thread handler: " + thread.getName() + " " + e));
        runToDeath(mailer);

        ThreadGroup audit = new ThreadGroup("audit") {
            @Override
            public void uncaughtException(Thread thread, Throwable e) {
                out("group handler: " + thread.getName() + " " + e);
            }
        };
        runToDeath(new Thread(audit, () -> {
            throw new UnsupportedOperationException("audit log is read-only");
        }, "auditor"));

        // One thread, so that which thread runs a task, and so what is printed, never varies.
        ThreadPoolExecutor orders = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                named("orders-"));
        for (int order = 1; order <= 3; order++) {
            killWorker(orders, "order " + order + " failed");
        }
        for (int order = 4; order <= 5; order++) {
            int number = order;
            Future<?> submitted = orders.submit(() -> {
                throw new IllegalStateException("order " + number + " failed");
            });
            out("submit: " + failure(submitted));
        }

        ScheduledThreadPoolExecutor ticker = new ScheduledThreadPoolExecutor(1, named("ticker-"));
        AtomicInteger ticks = new AtomicInteger();
        Future<?> periodic = ticker.scheduleAtFixedRate(() -> {
            if (ticks.incrementAndGet() == 3) {
                throw new IllegalStateException("tick 3 failed");
            }
        }, 0, 10, TimeUnit.MILLISECONDS);
        out("periodic: " + failure(periodic) + " after " + ticks.get() + " ticks");
        Future<?> once = ticker.schedule((Callable<Void>) () -> {
            throw new IllegalArgumentException("no such report");
        }, 10, TimeUnit.MILLISECONDS);
        out("scheduled: " + failure(once));

        AtomicInteger crunchThreads = new AtomicInteger();
        ForkJoinPool crunch = new ForkJoinPool(1, pool -> {
            ForkJoinWorkerThread thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            thread.setName("crunch-" + crunchThreads.incrementAndGet());
            return thread;
        }, null, false);
        Future<?> crunched = crunch.submit((Callable<Void>) () -> {
            throw new ArithmeticException("division by zero");
        });
        out("fork-join submit: " + failure(crunched));
        // execute(): the pool hands the exception to the worker's handler, and the worker lives on.
        CountDownLatch started = new CountDownLatch(1);
        crunch.execute(() -> {
            started.countDown();
            throw new ArithmeticException("overflow");
        });
        started.await();
        while (!crunch.isQuiescent()) {
            Thread.sleep(5);
        }
        Thread.sleep(50);
        out("fork-join execute: done");

        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> out("default handler: " + thread.getName() + " " + e));
        killWorker(orders, "order 6 failed");
        if (Runtime.version().feature() >= 21) {
            Thread virtual = virtualThread("vworker", () -> {
                throw new IllegalStateException("virtual thread failed");
            });
            virtual.join();
        }
        out("done");
        Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }

    private static void runToDeath(Thread thread) throws InterruptedException {
        thread.start();
        thread.join();
    }

    /** Gives the pool a task that throws, and waits until the thread that ran it has died. */
    private static void killWorker(ThreadPoolExecutor pool, String message) throws InterruptedException {
        AtomicReference<Thread> ran = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        pool.execute(() -> {
            ran.set(Thread.currentThread());
            started.countDown();
            throw new IllegalStateException(message);
        });
        started.await();
        ran.get().join();
    }

    /** Waits for the future without running its task here (get() on a ForkJoinTask may run it on this thread). */
    private static String failure(Future<?> future) throws InterruptedException {
        while (!future.isDone()) {
            Thread.sleep(5);
        }
        try {
            future.get();
            return "no failure";
        } catch (ExecutionException e) {
            return String.valueOf(e.getCause());
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> new Thread(task, prefix + count.incrementAndGet());
    }

    /** Thread.ofVirtual().name(name).start(task), through reflection: this class is built for Java 17. */
    private static Thread virtualThread(String name, Runnable task) throws ReflectiveOperationException {
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        Class<?> type = Class.forName("java.lang.Thread$Builder");
        builder = type.getMethod("name", String.class).invoke(builder, name);
        return (Thread) type.getMethod("start", Runnable.class).invoke(builder, task);
    }

    private static void out(String line) {
        System.out.println("app: " + line);
        System.out.flush();
    }

    /** An application's own exception. */
    static final class ReportFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReportFailed(String message) {
            super(message);
        }
    }
}
