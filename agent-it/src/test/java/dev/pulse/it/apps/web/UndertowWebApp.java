package dev.pulse.it.apps.web;

import io.undertow.Undertow;
import io.undertow.server.handlers.BlockingHandler;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.xnio.management.XnioWorkerMXBean;

/**
 * An Undertow server with one I/O thread and 4 worker threads (threads "XNIO-1 task-N");
 * "/hold" waits for the test's release, "/burn" uses 300 ms of CPU, both on the worker (a
 * blocking handler). Prints the XNIO worker's own figures of its task pool. Arguments: the
 * control folder, the port.
 */
public final class UndertowWebApp {

    private UndertowWebApp() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = Paths.get(args[0]);
        Undertow server = Undertow.builder()
                .addHttpListener(Integer.parseInt(args[1]), "127.0.0.1")
                .setIoThreads(1)
                .setWorkerThreads(4)
                .setHandler(new BlockingHandler(exchange -> {
                    String path = exchange.getRequestPath();
                    if (path.equals("/hold")) {
                        WebControl.hold();
                    } else if (path.equals("/burn")) {
                        WebControl.burn(300);
                    }
                    exchange.getResponseSender().send("ok");
                }))
                .build();
        server.start();
        XnioWorkerMXBean worker = server.getWorker().getMXBean();
        System.out.println("app: worker " + worker.getName());
        WebControl.watch(folder, () -> "threads=" + worker.getWorkerPoolSize()
                + " active=" + worker.getBusyWorkerThreadCount() + " max=" + worker.getMaxWorkerPoolSize()
                + " queued=" + worker.getWorkerQueueSize(), server::stop);
    }
}
