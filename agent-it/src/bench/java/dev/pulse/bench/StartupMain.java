package dev.pulse.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A trivial service for the start-up and memory measurement: it loads and calls the five timed
 * methods and fills the three queues of {@link PerfReport#startupConfig}, then exits.
 */
public final class StartupMain {

    public static void main(String[] args) {
        long sum = new Evaluator().evaluateOnce() + new Dispatcher().dispatchOnce();
        for (Worker worker : List.of(new EmailWorker(), new SmsWorker())) {
            sum += worker.processOne();
        }
        sum += Scheduler.tick();
        Outbox.QUEUE.add("message");
        Outbox.RETRIES.add("message");
        new JobHolder().jobs.put("job", 1L);
        System.out.println("done " + sum);
    }

    static final class Evaluator {
        long evaluateOnce() {
            return 1;
        }
    }

    static final class Dispatcher {
        long dispatchOnce() {
            return 2;
        }
    }

    abstract static class Worker {
        abstract long processOne();
    }

    static final class EmailWorker extends Worker {
        @Override
        long processOne() {
            return 3;
        }
    }

    static final class SmsWorker extends Worker {
        @Override
        long processOne() {
            return 4;
        }
    }

    static final class Scheduler {
        static long tick() {
            return 5;
        }

        static long tickLater() {
            return 6;
        }
    }

    static final class Outbox {
        static final BlockingQueue<String> QUEUE = new ArrayBlockingQueue<>(100);
        static final List<String> RETRIES = new ArrayList<>();
    }

    static final class JobHolder {
        final Map<String, Long> jobs = new ConcurrentHashMap<>();
    }
}
