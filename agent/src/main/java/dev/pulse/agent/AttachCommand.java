package dev.pulse.agent;

import com.sun.tools.attach.VirtualMachine;
import java.io.File;
import java.io.PrintStream;
import java.net.URISyntaxException;

/**
 * {@code java [-Dpulse.*...] -jar pulse-agent.jar attach <pid> [properties file]}: loads Pulse into
 * a running JVM, with the {@code -Dpulse.*} properties given to this command (see {@link AttachArgument}).
 */
final class AttachCommand {

    static final String NAME = "attach";
    static final String USAGE = "usage: java -jar pulse-agent.jar attach <pid> [properties file]";

    private AttachCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 2 || args.length > 3 || !NAME.equals(args[0])) {
            err.println(USAGE);
            return 2;
        }
        String pid = args[1];
        if (!pid.matches("[1-9][0-9]{0,17}")) {
            err.println("pulse: cannot attach: expected a process id (a positive number), found \"" + pid + "\"");
            return 2;
        }
        if (ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
            err.println("pulse: cannot attach to " + pid + ": no such process");
            return 1;
        }
        String config = args.length == 3 ? new File(args[2]).getAbsolutePath() : "";
        if (!config.isEmpty() && !new File(config).canRead()) {
            err.println("pulse: cannot attach to " + pid + ": " + config + ": cannot read config file");
            return 1;
        }
        try {
            String jar = new File(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .getAbsolutePath();
            VirtualMachine vm = VirtualMachine.attach(pid);
            try {
                vm.loadAgent(jar, AttachArgument.pack(config, System.getProperties()));
            } finally {
                vm.detach();
            }
            out.println("pulse: attached to " + pid + "; its standard error shows the agent's start line");
            return 0;
        } catch (URISyntaxException | RuntimeException | LinkageError e) {
            err.println("pulse: cannot attach to " + pid + ": " + e);
            return 1;
        } catch (Exception e) {
            err.println("pulse: cannot attach to " + pid + ": " + e.getMessage()
                    + " (the JVM must run as the same user, and a JDK, not a JRE, must run this command)");
            return 1;
        }
    }
}
