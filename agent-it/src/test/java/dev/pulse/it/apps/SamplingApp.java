package dev.pulse.it.apps;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A worker loop with one call that hangs, a backlog whose size changes in announced steps, and
 * two queues whose size() misbehaves (one throws, one takes ten seconds).
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
        Thread stuck = new Thread(() -> loop.runOnce(3000), "stuck-loop");
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
            Thread.sleep(1500);
        }
        System.out.println("app: done");
        Thread.sleep(120_000);
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
