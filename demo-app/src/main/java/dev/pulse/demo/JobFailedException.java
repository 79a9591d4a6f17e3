package dev.pulse.demo;

/** A job ran and its work could not be done; the job is marked failed and not retried. */
final class JobFailedException extends Exception {

    private final transient Job job;

    JobFailedException(Job job, String reason) {
        super("job " + job.id() + " (" + job.kind() + "): " + reason);
        this.job = job;
    }

    Job job() {
        return job;
    }
}
