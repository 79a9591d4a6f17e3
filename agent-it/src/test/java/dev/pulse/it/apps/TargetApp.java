package dev.pulse.it.apps;

import java.lang.ref.Reference;
import java.util.List;
import java.util.TreeSet;

/**
 * A small service for the agent to watch, with known numbers: {@code --calls N} calls of
 * {@link Jobs#process} (every 10th throws), 10 calls of each {@link Worker}, 7 items in
 * {@link Outbox#QUEUE} and 3 + 2 items in two {@link Holder}s. It then prints "app: ready" and
 * keeps running for {@code --hold-ms}, calling {@link Jobs#process} every 5 ms if {@code --loop}
 * is given, and ends with {@code --exit-code}.
 */
public final class TargetApp {

    public static void main(String[] args) throws Exception {
        int calls = intOption(args, "--calls", 100);
        long holdMillis = intOption(args, "--hold-ms", 2000);
        int exitCode = intOption(args, "--exit-code", 0);
        boolean loop = List.of(args).contains("--loop");
        System.out.println("app: started");

        Jobs jobs = new Jobs();
        int failures = 0;
        for (int i = 0; i < calls; i++) {
            try {
                jobs.process(i);
            } catch (IllegalStateException expected) {
                failures++;
            }
        }
        for (Worker worker : List.<Worker>of(new EmailWorker(), new SmsWorker())) {
            for (int i = 0; i < 10; i++) {
                worker.processOne();
            }
        }
        for (int i = 0; i < 7; i++) {
            Outbox.QUEUE.add("message " + i);
        }
        Holder first = new Holder(3);
        Holder second = new Holder(2);
        System.out.println("app: calls=" + calls + " failures=" + failures);
        System.out.println("app: ready");

        long end = System.currentTimeMillis() + holdMillis;
        long looped = 0;
        while (System.currentTimeMillis() < end) {
            if (loop) {
                jobs.process(1);
                looped++;
                Thread.sleep(5);
            } else {
                Thread.sleep(Math.max(1, Math.min(50, end - System.currentTimeMillis())));
            }
        }
        Reference.reachabilityFence(first);
        Reference.reachabilityFence(second);
        System.out.println("app: looped=" + looped);
        System.out.println("app: bridge=" + bridgeInBootstrap());
        System.out.println("app: threads=" + threadNames());
        System.out.println("app: done");
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    private static boolean bridgeInBootstrap() {
        try {
            Class.forName("dev.pulse.agent.bridge.Bridge", false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static String threadNames() {
        TreeSet<String> names = new TreeSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            names.add(thread.getName() + (thread.isDaemon() ? "(daemon)" : ""));
        }
        return String.join(",", names);
    }

    private static int intOption(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
