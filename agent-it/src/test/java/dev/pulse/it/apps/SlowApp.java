package dev.pulse.it.apps;

/** One timed call that runs for {@code args[0]} ms, long enough for a stall to be logged; then exits 0. */
public final class SlowApp {

    public static void main(String[] args) throws Exception {
        System.out.println("app: started");
        slowCall(Long.parseLong(args[0]));
        System.out.println("app: done");
    }

    public static void slowCall(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }
}
