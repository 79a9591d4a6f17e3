package dev.pulse.it.isolated;

import java.util.function.LongUnaryOperator;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** The bundle's activator: calls the bundle's timed method {@link #CALLS} times as the bundle starts. */
public final class FelixActivator implements BundleActivator {

    public static final int CALLS = 1000;

    @Override
    public void start(BundleContext context) {
        LongUnaryOperator work = new FelixWork();
        long sum = 0;
        for (int i = 0; i < CALLS; i++) {
            sum += work.applyAsLong(i);
        }
        System.out.println("app: bundle started, " + CALLS + " calls, sum " + sum);
    }

    @Override
    public void stop(BundleContext context) {
    }
}
