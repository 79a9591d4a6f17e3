package dev.pulse.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The service behind the sampler measurement: {@value #QUEUES} sampled queues (static fields of
 * {@link Queues}, q0 ... q99) and {@value #POOLS} thread pools. It runs for the given number of
 * milliseconds, then prints the CPU time the agent's sampler threads used ("sampler-cpu-ns N").
 */
public final class SamplerTarget {

    static final int QUEUES = 100;
    static final int POOLS = 10;

    public static void main(String[] args) throws Exception {
        long runMillis = Long.parseLong(args[0]);
        Queues.touch();
        List<ExecutorService> pools = new ArrayList<>();
        for (int i = 0; i < POOLS; i++) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            pool.submit(() -> { });
            pools.add(pool);
        }
        System.out.println("ready");
        Thread.sleep(runMillis);
        System.out.println("sampler-cpu-ns " + samplerCpuNanos());
        pools.forEach(ExecutorService::shutdown);
    }

    private static long samplerCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("pulse-sampler")) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }

    /** Every kind of queue the sampler reads: bounded and unbounded queues, deques, maps. */
    static final class Queues {
        static final BlockingQueue<Object> q0 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q1 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q2 = new ArrayDeque<>();
        static final Map<Object, Object> q3 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q4 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q5 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q6 = new ArrayDeque<>();
        static final Map<Object, Object> q7 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q8 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q9 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q10 = new ArrayDeque<>();
        static final Map<Object, Object> q11 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q12 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q13 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q14 = new ArrayDeque<>();
        static final Map<Object, Object> q15 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q16 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q17 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q18 = new ArrayDeque<>();
        static final Map<Object, Object> q19 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q20 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q21 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q22 = new ArrayDeque<>();
        static final Map<Object, Object> q23 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q24 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q25 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q26 = new ArrayDeque<>();
        static final Map<Object, Object> q27 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q28 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q29 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q30 = new ArrayDeque<>();
        static final Map<Object, Object> q31 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q32 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q33 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q34 = new ArrayDeque<>();
        static final Map<Object, Object> q35 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q36 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q37 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q38 = new ArrayDeque<>();
        static final Map<Object, Object> q39 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q40 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q41 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q42 = new ArrayDeque<>();
        static final Map<Object, Object> q43 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q44 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q45 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q46 = new ArrayDeque<>();
        static final Map<Object, Object> q47 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q48 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q49 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q50 = new ArrayDeque<>();
        static final Map<Object, Object> q51 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q52 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q53 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q54 = new ArrayDeque<>();
        static final Map<Object, Object> q55 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q56 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q57 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q58 = new ArrayDeque<>();
        static final Map<Object, Object> q59 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q60 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q61 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q62 = new ArrayDeque<>();
        static final Map<Object, Object> q63 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q64 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q65 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q66 = new ArrayDeque<>();
        static final Map<Object, Object> q67 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q68 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q69 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q70 = new ArrayDeque<>();
        static final Map<Object, Object> q71 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q72 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q73 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q74 = new ArrayDeque<>();
        static final Map<Object, Object> q75 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q76 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q77 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q78 = new ArrayDeque<>();
        static final Map<Object, Object> q79 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q80 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q81 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q82 = new ArrayDeque<>();
        static final Map<Object, Object> q83 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q84 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q85 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q86 = new ArrayDeque<>();
        static final Map<Object, Object> q87 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q88 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q89 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q90 = new ArrayDeque<>();
        static final Map<Object, Object> q91 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q92 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q93 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q94 = new ArrayDeque<>();
        static final Map<Object, Object> q95 = new ConcurrentHashMap<>();
        static final BlockingQueue<Object> q96 = new ArrayBlockingQueue<>(1000);
        static final BlockingQueue<Object> q97 = new LinkedBlockingQueue<>();
        static final ArrayDeque<Object> q98 = new ArrayDeque<>();
        static final Map<Object, Object> q99 = new ConcurrentHashMap<>();

        static void touch() {
            q0.add("item");
        }
    }
}
