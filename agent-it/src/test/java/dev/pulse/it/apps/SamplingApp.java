package dev.pulse.it.apps;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A worker loop with one call that hangs, a backlog whose size changes in announced steps, and
 * two queues whose size() misbehaves (one throws, one takes ten seconds). With a folder as its
 * argument, each step waits (at most a minute) for the test to create the file that says it
 * saw the step: {@code release} ends the hanging call (after at least 1.5 s), {@code seen-N}
 * moves the backlog on from size N. Without one, each step lasts a fixed time.
 */
public final class SamplingApp {

    static final Queue<String> BACKLOG = new ConcurrentLinkedQueue<>();
    static final Misbehaving THROWING = new Misbehaving(false);
    static final Misbehaving SLOW = new Misbehaving(true);

    public static void main(String[] args) throws Exception {
        Loop loop = new Loop();
        System.out.println("app: started");
        for (int i = 0; i < 5; i++) {
            loop.runOnce(1);
        }
        Path steps = args.length > 0 ? Paths.get(args[0]) : null;
        // The timed call on the stuck thread hangs until the test has seen it.
        Thread stuck = new Thread(() -> loop.runUntil(steps, "release", 1500), "stuck-loop");
        stuck.start();
        System.out.println("app: hanging");
        stuck.join();
        System.out.println("app: returned");
        for (int i = 0; i < 5; i++) {
            loop.runOnce(1);
        }
        for (int size : new int[] {10, 3, 25, 0}) {
            while (BACKLOG.size() < size) {
                BACKLOG.add("job");
            }
            while (BACKLOG.size() > size) {
                BACKLOG.poll();
            }
            System.out.println("app: backlog=" + size);
            awaitStep(steps, "seen-" + size, 1500);
        }
        System.out.println("app: done");
        Thread.sleep(120_000);
    }

    /** Sleeps {@code millis}, then, given a folder, until the file {@code name} is in it (a minute at most). */
    static void awaitStep(Path steps, String name, long millis) {
        try {
            Thread.sleep(millis);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (steps != null && !Files.exists(steps.resolve(name)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The timed loop body. */
    public static final class Loop {
        public void runOnce(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** One call that lasts at least {@code millis} and until the step {@code name} is seen. */
        public void runUntil(Path steps, String name, long millis) {
            awaitStep(steps, name, millis);
        }
    }

    /** A queue-like object whose size() throws, or takes ten seconds. */
    public static final class Misbehaving {
        private final boolean slow;

        Misbehaving(boolean slow) {
            this.slow = slow;
        }

        public int size() throws InterruptedException {
            if (slow) {
                Thread.sleep(10_000);
                return 1;
            }
            throw new IllegalStateException("size() is broken");
        }
    }
}
