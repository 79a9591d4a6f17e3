package dev.pulse.it.apps;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/**
 * A Quartz scheduler "Reports" on RAMJobStore with a SimpleThreadPool of four threads, running
 * three jobs that each burn 300 ms of CPU and then wait on a latch. Once all three run, the app
 * prints the scheduler's own figures (its executing jobs, its configured pool size, the live
 * threads named "Reports_Worker-"), then waits until it is stopped. With a file name as its
 * argument, once that file appears (after an attach) a fourth job runs and the figures are
 * printed again, tagged "late".
 */
public final class QuartzApp {

    static final CountDownLatch RELEASE = new CountDownLatch(1);

    public static void main(String[] args) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("org.quartz.scheduler.instanceName", "Reports");
        properties.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        properties.setProperty("org.quartz.threadPool.threadCount", "4");
        properties.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        Scheduler scheduler = new StdSchedulerFactory(properties).getScheduler();
        scheduler.start();
        for (int i = 0; i < 3; i++) {
            scheduler.scheduleJob(JobBuilder.newJob(HeldJob.class).withIdentity("held-" + i).build(),
                    TriggerBuilder.newTrigger().withIdentity("now-" + i).startNow().build());
        }
        printFigures(scheduler, 3, "");
        System.out.println("app: quartz ready");
        if (args.length > 0) {
            // Made before an attach: one more job goes through the pool's runInThread().
            Path go = Paths.get(args[0]);
            while (!Files.exists(go)) {
                Thread.sleep(50);
            }
            scheduler.scheduleJob(JobBuilder.newJob(HeldJob.class).withIdentity("held-late").build(),
                    TriggerBuilder.newTrigger().withIdentity("now-late").startNow().build());
            printFigures(scheduler, 4, "late ");
            System.out.println("app: quartz late ready");
        }
        RELEASE.await();
    }

    /** Waits until {@code jobs} jobs run, then prints the scheduler's figures. */
    private static void printFigures(Scheduler scheduler, int jobs, String tag) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (scheduler.getCurrentlyExecutingJobs().size() < jobs && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long threads = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("Reports_Worker-") && thread.isAlive()).count();
        System.out.println("app: quartz " + tag + "executing=" + scheduler.getCurrentlyExecutingJobs().size()
                + " threads=" + threads + " max=" + scheduler.getMetaData().getThreadPoolSize());
    }

    /** Burns 300 ms of its thread's CPU time, then holds its worker until the app ends. */
    public static final class HeldJob implements Job {
        @Override
        public void execute(JobExecutionContext context) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long until = threads.getCurrentThreadCpuTime() + TimeUnit.MILLISECONDS.toNanos(300);
            long spin = 0;
            while (threads.getCurrentThreadCpuTime() < until) {
                spin += System.nanoTime() % 7;
            }
            if (spin == 42) {
                System.out.println("app: spun");
            }
            try {
                RELEASE.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
