package dev.pulse.agent;

import dev.pulse.agent.config.ConfigException;
import dev.pulse.agent.config.PulseConfig;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Entry points. {@code -javaagent:pulse-agent.jar=<properties file>} calls {@link #premain};
 * {@code java -jar pulse-agent.jar attach <pid> [file]} loads the agent into a running JVM,
 * which then calls {@link #agentmain}; {@code java -jar pulse-agent.jar hash-password} makes a
 * password hash for the endpoint. Nothing here may throw into the host or exit the JVM.
 */
public final class AgentMain {

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

    public static void main(String[] args) {
        if (args.length > 0 && HashPasswordCommand.NAME.equals(args[0])) {
            System.exit(HashPasswordCommand.run(args, System.console(), System.in, System.out, System.err));
        }
        System.exit(AttachCommand.run(args, System.out, System.err));
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
