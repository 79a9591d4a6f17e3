package dev.pulse.demo;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Stands in for the remote system that receives finished jobs: usually quick, now and then slow,
 * and about one call in thirty answered with a 503.
 */
final class DeliveryClient {

    private static final double UNAVAILABLE_SHARE = 0.03;
    private static final double SLOW_SHARE = 0.02;

    public void deliver(Job job) throws IOException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long millis = random.nextDouble() < SLOW_SHARE ? random.nextLong(100, 301) : random.nextLong(2, 21);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // The executor is shutting down; report it the way a blocking socket would.
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("delivery of job " + job.id() + " interrupted");
        }
        if (random.nextDouble() < UNAVAILABLE_SHARE) {
            throw new IOException("remote 503");
        }
    }
}
