package dev.pulse.it.apps;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/** A bounded queue in an instance field; the sampler sums every live instance. */
public final class Holder {

    private final BlockingQueue<String> jobs = new ArrayBlockingQueue<>(10);

    public Holder(int items) {
        for (int i = 0; i < items; i++) {
            jobs.add("job " + i);
        }
    }
}
