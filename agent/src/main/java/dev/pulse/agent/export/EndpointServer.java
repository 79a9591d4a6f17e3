package dev.pulse.agent.export;

import dev.pulse.agent.AgentLog;
import dev.pulse.agent.export.ClientErrors.Reason;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * The endpoint's HTTP/1.1 server: one selector thread accepts connections and reads every request
 * head without blocking, so a client that sends half a request, or nothing, holds a few hundred
 * bytes and no thread. A request reaches its {@link Handler} only once its head is complete;
 * handlers that need time run on a bounded {@link Worker}, and the response is written back
 * without blocking too.
 *
 * <p>Limits: a head (TLS handshake included) must arrive within {@link #HEAD_TIMEOUT_NANOS} of the
 * connection's first byte, or of its accept; an idle keep-alive connection is closed after
 * {@link #IDLE_TIMEOUT_NANOS}; a response must be taken within {@link #WRITE_TIMEOUT_NANOS}; at most
 * {@link #MAX_CONNECTIONS} connections are open, the one nearest its deadline closed to make room.
 * What a client did wrong is counted in {@link ClientErrors}, never logged.
 */
final class EndpointServer implements AutoCloseable {

    static final int BACKLOG = 128;
    static final int MAX_CONNECTIONS = 512;
    static final long HEAD_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    static final long IDLE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    static final long WRITE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** A response that waits longer than this for its handler is dropped with its connection. */
    static final long PROCESSING_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final ServerSocketChannel server;
    private final Selector selector;
    private final SelectionKey acceptKey;
    private final SSLContext tls;
    private final Map<String, Handler> routes;
    private final RequestGuard guard;
    private final Worker authWorker;
    private final ClientErrors errors;
    private final Set<HttpConnection> connections = new HashSet<>();
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(HttpRequest.MAX_HEAD_BYTES);
    private final Thread thread;
    private volatile boolean running = true;
    private boolean loggedFault;

    /**
     * Binds {@code address} with a listen backlog of {@link #BACKLOG}, first of all, so that a port
     * in use is known at once.
     *
     * @throws IOException when the address cannot be bound (a {@link java.net.BindException} when in use)
     */
    static ServerSocketChannel bind(InetSocketAddress address) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(address, BACKLOG);
            server.configureBlocking(false);
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * Serves {@code server} (from {@link #bind}) on a new selector thread {@code threadName}.
     *
     * @param tls        null for plain HTTP
     * @param routes     handler by exact path
     * @param authWorker where PBKDF2 checks run; null when no authentication is configured
     * @throws IOException when no selector can be opened; {@code server} is closed then
     */
    EndpointServer(ServerSocketChannel server, SSLContext tls, Map<String, Handler> routes, RequestGuard guard,
            Worker authWorker, ClientErrors errors, String threadName) throws IOException {
        this.server = server;
        this.tls = tls;
        this.routes = Map.copyOf(routes);
        this.guard = guard;
        this.authWorker = authWorker;
        this.errors = errors;
        try {
            this.selector = Selector.open();
            this.acceptKey = server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.socket().getLocalPort();
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long nextSweep = System.nanoTime() + SWEEP_NANOS;
        try {
            while (running) {
                try {
                    selector.select(TimeUnit.NANOSECONDS.toMillis(SWEEP_NANOS));
                    Iterator<SelectionKey> selected = selector.selectedKeys().iterator();
                    while (selected.hasNext()) {
                        SelectionKey key = selected.next();
                        selected.remove();
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.isAcceptable()) {
                            accept();
                        } else {
                            ready((HttpConnection) key.attachment(), key);
                        }
                    }
                    Runnable task;
                    while ((task = tasks.poll()) != null) {
                        task.run();
                    }
                    long now = System.nanoTime();
                    if (now - nextSweep >= 0) {
                        sweep(now);
                        nextSweep = now + SWEEP_NANOS;
                    }
                } catch (ClosedSelectorException e) {
                    return;
                } catch (Throwable e) {
                    // One bad turn never stops the endpoint; said once, the loop goes on.
                    if (!loggedFault) {
                        loggedFault = true;
                        AgentLog.warn("endpoint: " + e + "; serving on");
                    }
                }
            }
        } finally {
            for (HttpConnection connection : new ArrayList<>(connections)) {
                connection.close();
            }
            try {
                server.close();
                selector.close();
            } catch (IOException ignored) {
                // closing at exit
            }
        }
    }

    private void accept() throws IOException {
        for (int i = 0; i < 64; i++) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException outOfDescriptors) {
                // Too many open files, say: the pending connection would wake the selector at once,
                // again and again. Free one of ours and accept again at the next sweep.
                if (!connections.isEmpty()) {
                    evictOne();
                }
                acceptKey.interestOps(0);
                return;
            }
            if (channel == null) {
                return;
            }
            if (connections.size() >= MAX_CONNECTIONS) {
                evictOne();
            }
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
                Transport transport = tls == null ? new Transport.Plain(channel) : new TlsTransport(channel, engine());
                HttpConnection connection = new HttpConnection(transport, key);
                key.attach(connection);
                connection.deadline = System.nanoTime() + HEAD_TIMEOUT_NANOS;
                connection.headStarted = true;
                connections.add(connection);
            } catch (IOException e) {
                channel.close();
            }
        }
    }

    private SSLEngine engine() {
        SSLEngine engine = tls.createSSLEngine();
        engine.setUseClientMode(false);
        return engine;
    }

    /** Makes room: closes the connection nearest its deadline, preferring one not being answered. */
    private void evictOne() {
        HttpConnection victim = null;
        for (HttpConnection connection : connections) {
            boolean better = victim == null
                    || connection.state == HttpConnection.State.READING_HEAD
                            && victim.state != HttpConnection.State.READING_HEAD
                    || connection.state == victim.state && connection.deadline - victim.deadline < 0;
            if (better) {
                victim = connection;
            }
        }
        if (victim != null) {
            errors.count(Reason.CONNECTION_LIMIT);
            close(victim);
        }
    }

    private void sweep(long now) {
        if (acceptKey.interestOps() == 0) {
            acceptKey.interestOps(SelectionKey.OP_ACCEPT);
        }
        for (HttpConnection connection : new ArrayList<>(connections)) {
            if (now - connection.deadline < 0) {
                continue;
            }
            switch (connection.state) {
                case READING_HEAD:
                    if (connection.headStarted) {
                        errors.count(Reason.HEADER_TIMEOUT);
                    }
                    break;
                case WRITING:
                    errors.count(Reason.WRITE_TIMEOUT);
                    break;
                default:
                    break;
            }
            close(connection);
        }
    }

    private void ready(HttpConnection connection, SelectionKey key) {
        try {
            if (connection.state == HttpConnection.State.WRITING) {
                if (key.isWritable()) {
                    continueWriting(connection);
                }
            } else if (connection.state == HttpConnection.State.READING_HEAD) {
                if (key.isWritable() && !connection.transport.flush()) {
                    return;
                }
                readHead(connection);
            }
        } catch (SSLException e) {
            errors.count(Reason.TLS_ERROR);
            close(connection);
        } catch (IOException e) {
            if (connection.state == HttpConnection.State.WRITING || connection.headLength() > 0) {
                errors.count(Reason.CLIENT_GONE);
            }
            close(connection);
        } catch (RuntimeException e) {
            // a key cancelled under us, say: this connection ends, the others go on
            close(connection);
        }
    }

    private void readHead(HttpConnection connection) throws IOException {
        while (connection.state == HttpConnection.State.READING_HEAD) {
            int end = connection.completeHead();
            if (end >= 0 && end <= HttpRequest.MAX_HEAD_BYTES) {
                dispatch(connection, end);
                return;
            }
            if (end > HttpRequest.MAX_HEAD_BYTES || connection.headLength() > HttpRequest.MAX_HEAD_BYTES) {
                refuse(connection, Reason.HEADERS_TOO_LARGE, HttpResponse.text(431, "request head too large\n", true));
                return;
            }
            readBuffer.clear();
            int n = connection.transport.read(readBuffer);
            if (n < 0) {
                if (connection.headLength() > 0) {
                    errors.count(Reason.CLIENT_GONE);
                }
                close(connection);
                return;
            }
            if (n == 0) {
                connection.key.interestOps(connection.transport.pendingOutput()
                        ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
                return;
            }
            if (!connection.headStarted) {
                connection.headStarted = true;
                connection.deadline = System.nanoTime() + HEAD_TIMEOUT_NANOS;
            }
            readBuffer.flip();
            if (!connection.append(readBuffer)) {
                refuse(connection, Reason.HEADERS_TOO_LARGE, HttpResponse.text(431, "request head too large\n", true));
                return;
            }
        }
    }

    private void dispatch(HttpConnection connection, int end) {
        HttpRequest request;
        try {
            request = connection.parseHead(end);
        } catch (HttpRequest.BadRequest e) {
            Reason reason = e.status == 431 ? Reason.HEADERS_TOO_LARGE : Reason.BAD_REQUEST;
            refuse(connection, reason, HttpResponse.text(e.status, "bad request\n", true));
            return;
        }
        connection.consumeHead(end);
        connection.state = HttpConnection.State.PROCESSING;
        connection.deadline = System.nanoTime() + PROCESSING_TIMEOUT_NANOS;
        connection.key.interestOps(0);
        HttpResponse refusal = guard.refusal(request);
        if (refusal != null) {
            errors.count(refusal.status() == 405 ? Reason.METHOD_NOT_ALLOWED : Reason.BAD_REQUEST);
            respond(connection, request, refusal);
            return;
        }
        if (guard.admittedWithoutPbkdf2(request)) {
            route(connection, request);
            return;
        }
        if (!guard.presentsCredentials(request)) {
            errors.count(Reason.UNAUTHORIZED);
            respond(connection, request, RequestGuard.challenge());
            return;
        }
        boolean queued = authWorker != null && authWorker.offer(() -> {
            boolean verified = guard.verify(request);
            onSelector(() -> {
                if (verified) {
                    route(connection, request);
                } else {
                    errors.count(Reason.UNAUTHORIZED);
                    respond(connection, request, RequestGuard.challenge());
                }
            });
        });
        if (!queued) {
            errors.count(Reason.OVERLOADED);
            respond(connection, request, HttpResponse.text(503, "busy; try again\n", true));
        }
    }

    private void route(HttpConnection connection, HttpRequest request) {
        if (connection.state != HttpConnection.State.PROCESSING) {
            return;
        }
        Handler handler = routes.get(request.path());
        if (handler == null) {
            errors.count(Reason.NOT_FOUND);
            respond(connection, request, HttpResponse.text(404, "not found\n", false));
            return;
        }
        handler.handle(request, response -> onSelector(() -> respond(connection, request, response)));
    }

    /** Runs {@code task} on the selector thread, soon. */
    private void onSelector(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    private void refuse(HttpConnection connection, Reason reason, HttpResponse response) {
        errors.count(reason);
        connection.state = HttpConnection.State.PROCESSING;
        respond(connection, null, response);
    }

    private void respond(HttpConnection connection, HttpRequest request, HttpResponse response) {
        if (connection.state != HttpConnection.State.PROCESSING) {
            return; // closed meanwhile
        }
        connection.keepAlive = request != null && request.keepAlive() && !response.close();
        ByteBuffer head = ByteBuffer.wrap(response.head(connection.keepAlive));
        if (request != null && request.isHead()) {
            connection.startWriting(head);
        } else {
            connection.startWriting(head, ByteBuffer.wrap(response.body()));
        }
        connection.deadline = System.nanoTime() + WRITE_TIMEOUT_NANOS;
        try {
            continueWriting(connection);
        } catch (SSLException e) {
            errors.count(Reason.TLS_ERROR);
            close(connection);
        } catch (IOException e) {
            errors.count(Reason.CLIENT_GONE);
            close(connection);
        }
    }

    private void continueWriting(HttpConnection connection) throws IOException {
        if (!connection.writeSome()) {
            connection.key.interestOps(SelectionKey.OP_WRITE);
            return;
        }
        if (!connection.keepAlive) {
            close(connection);
            return;
        }
        connection.state = HttpConnection.State.READING_HEAD;
        connection.headStarted = connection.headLength() > 0;
        connection.deadline = System.nanoTime() + (connection.headStarted ? HEAD_TIMEOUT_NANOS : IDLE_TIMEOUT_NANOS);
        connection.key.interestOps(SelectionKey.OP_READ);
        // A pipelined head, or plaintext the TLS engine holds already, would raise no read event.
        readHead(connection);
    }

    private void close(HttpConnection connection) {
        if (connection.state != HttpConnection.State.CLOSED) {
            connection.close();
            connections.remove(connection);
        }
    }
}
