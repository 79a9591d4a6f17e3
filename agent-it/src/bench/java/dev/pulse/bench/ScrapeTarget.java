package dev.pulse.bench;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The service behind the scrape measurement: PerfReport's scrape configuration times each of its
 * {@value #OPERATIONS} operations and samples its {@value #QUEUES} queues, about 400 series in all.
 * It calls every operation once, prints "ready" and waits to be stopped.
 */
public final class ScrapeTarget {

    static final int OPERATIONS = 20;
    static final int QUEUES = 10;

    public static void main(String[] args) throws InterruptedException {
        long sum = 0;
        for (int i = 0; i < OPERATIONS; i++) {
            sum += Operations.run(i);
        }
        for (int i = 0; i < QUEUES; i++) {
            Queues.ALL.get(i).add("item " + i);
        }
        System.out.println("ready " + sum);
        Thread.sleep(Long.MAX_VALUE);
    }

    /** One method per operation, each timed as its own operation (op0 ... op19). */
    static final class Operations {
        static long run(int operation) {
            switch (operation) {
                case 0: return op0();
                case 1: return op1();
                case 2: return op2();
                case 3: return op3();
                case 4: return op4();
                case 5: return op5();
                case 6: return op6();
                case 7: return op7();
                case 8: return op8();
                case 9: return op9();
                case 10: return op10();
                case 11: return op11();
                case 12: return op12();
                case 13: return op13();
                case 14: return op14();
                case 15: return op15();
                case 16: return op16();
                case 17: return op17();
                case 18: return op18();
                default: return op19();
            }
        }

        static long op0() { return 0; }
        static long op1() { return 1; }
        static long op2() { return 2; }
        static long op3() { return 3; }
        static long op4() { return 4; }
        static long op5() { return 5; }
        static long op6() { return 6; }
        static long op7() { return 7; }
        static long op8() { return 8; }
        static long op9() { return 9; }
        static long op10() { return 10; }
        static long op11() { return 11; }
        static long op12() { return 12; }
        static long op13() { return 13; }
        static long op14() { return 14; }
        static long op15() { return 15; }
        static long op16() { return 16; }
        static long op17() { return 17; }
        static long op18() { return 18; }
        static long op19() { return 19; }
    }

    /** Bounded queues, so each has a depth and a capacity series (q0 ... q9). */
    static final class Queues {
        static final BlockingQueue<String> q0 = new ArrayBlockingQueue<>(100);
        static final BlockingQueue<String> q1 = new ArrayBlockingQueue<>(100);
        static final BlockingQueue<String> q2 = new ArrayBlockingQueue<>(100);
        static final BlockingQueue<String> q3 = new ArrayBlockingQueue<>(100);
        static final BlockingQueue<String> q4 = new ArrayBlockingQueue<>(100);
        static final BlockingQueue<String> q5 = new ArrayBlockingQueue<>(100);
        static final BlockingQueue<String> q6 = new ArrayBlockingQueue<>(100);
        static final BlockingQueue<String> q7 = new ArrayBlockingQueue<>(100);
        static final BlockingQueue<String> q8 = new ArrayBlockingQueue<>(100);
        static final BlockingQueue<String> q9 = new ArrayBlockingQueue<>(100);
        static final List<BlockingQueue<String>> ALL = List.of(q0, q1, q2, q3, q4, q5, q6, q7, q8, q9);
    }
}
