package dev.pulse.it.apps;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * Loads {@link LazyJobs} and {@link AssignedJobs} without initializing them, prints "app: ready",
 * and waits for the file named by its first argument; then sets the configuration LazyJobs needs,
 * uses it (3 jobs), gives AssignedJobs a queue of 2 jobs, waits for the file named by its second
 * argument and ends: with 0, or 1 if LazyJobs failed.
 */
public final class LazyQueueApp {

    public static void main(String[] args) throws Exception {
        Class<?> jobs = Class.forName("dev.pulse.it.apps.LazyJobs", false, LazyQueueApp.class.getClassLoader());
        Class<?> assigned = Class.forName("dev.pulse.it.apps.AssignedJobs", false, LazyQueueApp.class.getClassLoader());
        System.out.println("app: loaded " + jobs.getName() + ", " + assigned.getName());
        System.out.println("app: ready");
        awaitFile(Paths.get(args[0]));
        System.setProperty("lazy.jobs.capacity", "10");
        int exitCode = 0;
        try {
            for (int i = 0; i < 3; i++) {
                LazyJobs.JOBS.add("job " + i);
            }
            System.out.println("app: jobs=" + LazyJobs.JOBS.size());
            AssignedJobs.jobs = new java.util.concurrent.ArrayBlockingQueue<>(5, false, java.util.List.of("a", "b"));
            System.out.println("app: assigned jobs=" + AssignedJobs.jobs.size());
        } catch (Throwable e) {
            System.out.println("app: failed " + e);
            exitCode = 1;
        }
        awaitFile(Paths.get(args[1]));
        System.out.println("app: done");
        System.exit(exitCode);
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
