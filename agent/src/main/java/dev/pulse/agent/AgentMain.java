package dev.pulse.agent;

import dev.pulse.agent.config.ConfigException;
import dev.pulse.agent.config.PulseConfig;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Entry points. {@code -javaagent:pulse-agent.jar=<properties file>} calls {@link #premain};
 * {@code java -jar pulse-agent.jar attach <pid> [file]} loads the agent into a running JVM,
 * which then calls {@link #agentmain}; {@code java -jar pulse-agent.jar hash-password} makes a
 * password hash for the endpoint; {@code rules} and {@code dashboard} print the operations kit. Nothing here may throw into the host or exit the JVM.
 */
public final class AgentMain {

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: java -jar pulse-agent.jar <command>",
            "  attach <pid> [properties file]   load Pulse into a running JVM",
            "  hash-password                    make a password hash for pulse.http.auth.password_hash",
            "  rules                            print the Prometheus alerting rules (YAML)",
            "  dashboard                        print the Grafana dashboard (JSON)",
            "As an agent: java -javaagent:pulse-agent.jar[=<properties file>] -jar service.jar");

    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private AgentMain() {
    }

    public static void premain(String argument, Instrumentation instrumentation) {
        startOnce(argument, instrumentation);
    }

    public static void agentmain(String argument, Instrumentation instrumentation) {
        String file = AttachArgument.file(argument);
        try {
            if (!STARTED.get()) {
                AttachArgument.applyProperties(argument);
            }
        } catch (Throwable t) {
            AgentLog.error("could not read the -Dpulse.* properties of the attach command: " + t);
        }
        startOnce(file, instrumentation);
    }

    /**
     * The jar's commands: {@code attach}, {@code hash-password}, {@code rules}, {@code dashboard};
     * anything else prints {@link #USAGE} and exits with 2.
     */
    public static void main(String[] args) {
        String command = args.length == 0 ? "" : args[0];
        switch (command) {
            case AttachCommand.NAME:
                System.exit(AttachCommand.run(args, System.out, System.err));
                break;
            case HashPasswordCommand.NAME:
                System.exit(HashPasswordCommand.run(args, System.console(), System.in, System.out, System.err));
                break;
            case OperationsKitCommand.RULES:
            case OperationsKitCommand.DASHBOARD:
                System.exit(OperationsKitCommand.run(args, System.out, System.err));
                break;
            default:
                System.err.println(USAGE);
                System.exit(2);
        }
    }

    private static void startOnce(String argument, Instrumentation instrumentation) {
        if (!STARTED.compareAndSet(false, true)) {
            AgentLog.warn("the agent is attached more than once; only the first one runs");
            return;
        }
        try {
            PulseConfig config;
            try {
                config = PulseConfig.load(argument);
            } catch (ConfigException e) {
                AgentLog.error(e.getMessage());
                return;
            }
            if (!config.enabled()) {
                AgentLog.info("disabled by pulse.enabled=false; nothing installed");
                return;
            }
            // Before Agent is even loaded: linking it resolves the bridge types.
            BootstrapBridge.inject(instrumentation);
            Agent.start(config, instrumentation);
        } catch (Throwable t) {
            AgentLog.error("could not start, the application runs without the agent: " + t);
        }
    }
}
