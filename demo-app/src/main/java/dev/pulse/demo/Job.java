package dev.pulse.demo;

/** One row of the jobs table, as much of it as the worker and the delivery side need. */
record Job(long id, String kind, String payload) {
}
