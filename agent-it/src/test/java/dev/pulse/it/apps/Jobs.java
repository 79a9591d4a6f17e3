package dev.pulse.it.apps;

/** The timed method: every 10th job fails with an IllegalStateException. */
public final class Jobs {

    private long processed;

    public long process(int job) {
        if (job % 10 == 0) {
            throw new IllegalStateException("job " + job + " failed");
        }
        return ++processed;
    }
}
