package dev.pulse.agent.output;

import dev.pulse.agent.AgentLog;
import java.util.concurrent.TimeUnit;

/**
 * Logs an output's failures at most once per {@link #PERIOD_NANOS}, saying how many were held back
 * since the last line, so a server that stays down does not flood the service's output. Called by
 * the output's own thread only.
 */
final class FailureLog {

    static final long PERIOD_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final String output;
    private long lastLogged;
    private boolean loggedAny;
    private long heldBack;

    FailureLog(String output) {
        this.output = output;
    }

    void failed(String message) {
        long now = System.nanoTime();
        if (loggedAny && now - lastLogged < PERIOD_NANOS) {
            heldBack++;
            return;
        }
        String held = heldBack == 0 ? "" : " (" + heldBack + " more failures since the last such line)";
        AgentLog.warn("output " + output + ": " + message + held
                + "; counted in pulse_output_failures_total, logged at most every 10 minutes");
        loggedAny = true;
        lastLogged = now;
        heldBack = 0;
    }
}
