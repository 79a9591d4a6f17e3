package dev.pulse.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

/**
 * {@code java -jar pulse-agent.jar rules} and {@code java -jar pulse-agent.jar dashboard}: print the
 * Prometheus alerting rules (YAML) or the Grafana dashboard (JSON) shipped inside the agent jar, so
 * that they always match the metrics of the agent that prints them.
 */
final class OperationsKitCommand {

    static final String RULES = "rules";
    static final String DASHBOARD = "dashboard";
    static final String RULES_RESOURCE = "ops/pulse-alerts.yml";
    static final String DASHBOARD_RESOURCE = "ops/pulse-dashboard.json";

    private OperationsKitCommand() {
    }

    /**
     * Prints the file that {@code args[0]} names to {@code out}.
     *
     * @return the exit code: 0 when printed, 2 for extra arguments, 1 when the jar lacks the file
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        String resource = RULES.equals(args[0]) ? RULES_RESOURCE : DASHBOARD_RESOURCE;
        if (args.length != 1) {
            err.println("usage: java -jar pulse-agent.jar " + args[0] + "   (takes no arguments)");
            return 2;
        }
        try (InputStream in = OperationsKitCommand.class.getResourceAsStream(resource)) {
            if (in == null) {
                err.println("pulse: " + resource + " is missing from this agent jar");
                return 1;
            }
            out.write(in.readAllBytes());
            out.flush();
            return 0;
        } catch (IOException e) {
            err.println("pulse: cannot read " + resource + " from the agent jar: " + e.getMessage());
            return 1;
        }
    }
}
