package dev.pulse.it.apps.web.boot;

import dev.pulse.it.apps.web.WebControl;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A plain Spring Boot application on its embedded Tomcat, with one controller: "/hold" waits
 * for the test's release, "/burn" uses 300 ms of CPU. Prints the figures of Tomcat's own
 * executor, the connector's {@code ProtocolHandler.getExecutor()}. Arguments: the control
 * folder, then Spring Boot's ({@code --server.port=...}).
 */
@SpringBootApplication
@RestController
public class SpringBootWebApp {

    @GetMapping("/hold")
    public String hold() throws InterruptedException {
        WebControl.hold();
        return "ok";
    }

    @GetMapping("/burn")
    public String burn() {
        return "ok " + WebControl.burn(300);
    }

    public static void main(String[] args) {
        Path folder = Paths.get(args[0]);
        ConfigurableApplicationContext context = SpringApplication.run(SpringBootWebApp.class,
                Arrays.copyOfRange(args, 1, args.length));
        TomcatWebServer server = (TomcatWebServer) ((ServletWebServerApplicationContext) context).getWebServer();
        ThreadPoolExecutor pool = (ThreadPoolExecutor) server.getTomcat().getConnector().getProtocolHandler()
                .getExecutor();
        System.out.println("app: executor " + pool.getThreadFactory().getClass().getName());
        WebControl.watch(folder, () -> "threads=" + pool.getPoolSize() + " active=" + pool.getActiveCount()
                + " max=" + pool.getMaximumPoolSize() + " queued=" + pool.getQueue().size()
                + " completed=" + pool.getCompletedTaskCount(), () -> SpringApplication.exit(context));
    }
}
