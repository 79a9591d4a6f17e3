package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The endpoint's port is taken: one clear line, and the service and the rest of the agent run on. */
class PortInUseIT {

    @Test
    void oneLineThenTimersAndSamplerWorkWithoutAnEndpoint() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Path config = ForkedJvm.writeConfig(Files.createTempDirectory("pulse-it"),
                    "pulse.http.host=127.0.0.1",
                    "pulse.http.port=" + port,
                    "pulse.sample.interval=100ms",
                    "pulse.timer.slow=dev.pulse.it.apps.SlowApp#slowCall",
                    "pulse.timer.slow.stall=300ms");
            try (ForkedJvm app = ForkedJvm.app(config, "dev.pulse.it.apps.SlowApp", "3000")) {
                // The stall warning can only come from a woven timer read by a running sampler.
                app.awaitStderr("pulse: warning: operation slow: a call on thread \"main\" has run for");
                assertEquals(0, app.awaitExit(), app::describe);
                // The endpoint starts on its own thread, so its line and the stall warning come in either order.
                List<String> lines = app.agentLines();
                assertEquals(2, lines.size(), app::describe);
                assertTrue(lines.contains("pulse: started 1 timers, 0 queues, 0 SQL gauges, but pulse.http.port: cannot"
                        + " listen on 127.0.0.1:" + port + ": Address already in use; timing and sampling go on without"
                        + " an endpoint"), app::describe);
                assertTrue(lines.stream().anyMatch(line -> line.startsWith("pulse: warning: operation slow:")),
                        app::describe);
                assertTrue(app.stdout().contains("app: done"), app::describe);
            }
        }
    }
}
