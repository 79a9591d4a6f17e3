package dev.pulse.it.apps.web;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A Jetty 12 server on its default QueuedThreadPool (threads "qtp&lt;hash&gt;-N"), at most 8
 * threads, one acceptor and one selector; "/hold" waits for the test's release, "/burn" uses
 * 300 ms of CPU. Prints the pool's own figures. Arguments: the control folder, the port.
 */
public final class JettyWebApp {

    private JettyWebApp() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = Paths.get(args[0]);
        QueuedThreadPool pool = new QueuedThreadPool(8, 2);
        Server server = new Server(pool);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[1]));
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String path = Request.getPathInContext(request);
                if (path.equals("/hold")) {
                    WebControl.hold();
                } else if (path.equals("/burn")) {
                    WebControl.burn(300);
                }
                Content.Sink.write(response, true, "ok", callback);
                return true;
            }
        });
        server.start();
        System.out.println("app: pool " + pool.getName());
        WebControl.watch(folder, () -> "threads=" + pool.getThreads() + " active=" + pool.getBusyThreads()
                + " idle=" + pool.getReadyThreads() + " max=" + pool.getMaxThreads()
                + " queued=" + pool.getQueueSize() + " reserved=" + pool.getAvailableReservedThreads()
                + " leased=" + pool.getLeasedThreads(), () -> {
                    try {
                        server.stop();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
    }
}
