package dev.pulse.agent.export;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS over a non-blocking socket with an {@link SSLEngine}: the handshake advances as bytes
 * arrive, on the selector thread, so a client that stops half-way holds no thread, only its
 * buffers, until the endpoint's head deadline closes it. The handshake's delegated tasks (key
 * exchange, signature) run inline: a few milliseconds of one thread per new connection.
 */
final class TlsTransport implements Transport {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final SSLEngine engine;
    /** Records received and not yet unwrapped; in write mode. */
    private ByteBuffer netIn;
    /** Records to send; in read mode (position..limit waits for the socket). */
    private ByteBuffer netOut;
    /** Plaintext unwrapped and not yet read; in read mode. */
    private ByteBuffer appIn;

    TlsTransport(SocketChannel channel, SSLEngine engine) {
        this.channel = channel;
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.netOut = ByteBuffer.allocate(packet);
        this.netOut.flip();
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        this.appIn.flip();
    }

    @Override
    public SocketChannel channel() {
        return channel;
    }

    @Override
    public boolean pendingOutput() {
        return netOut.hasRemaining();
    }

    @Override
    public boolean flush() throws IOException {
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
        while (true) {
            if (appIn.hasRemaining()) {
                int n = Math.min(appIn.remaining(), into.remaining());
                ByteBuffer slice = appIn.duplicate();
                slice.limit(slice.position() + n);
                into.put(slice);
                appIn.position(appIn.position() + n);
                return n;
            }
            if (!flush()) {
                return 0;
            }
            HandshakeStatus status = engine.getHandshakeStatus();
            if (status == HandshakeStatus.NEED_TASK) {
                runTasks();
                continue;
            }
            if (status == HandshakeStatus.NEED_WRAP) {
                wrap(EMPTY);
                continue;
            }
            if (engine.isInboundDone()) {
                return -1;
            }
            netIn.flip();
            appIn.compact();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
                appIn.flip();
            }
            switch (result.getStatus()) {
                case OK:
                    break;
                case CLOSED:
                    return -1;
                case BUFFER_OVERFLOW:
                    appIn = grow(appIn, engine.getSession().getApplicationBufferSize(), true);
                    break;
                case BUFFER_UNDERFLOW:
                    if (!netIn.hasRemaining()) {
                        netIn = grow(netIn, engine.getSession().getPacketBufferSize(), false);
                    }
                    int n = channel.read(netIn);
                    if (n < 0) {
                        return -1;
                    }
                    if (n == 0) {
                        return 0;
                    }
                    break;
                default:
                    throw new SSLException("unexpected TLS state " + result.getStatus());
            }
        }
    }

    @Override
    public int write(ByteBuffer from) throws IOException {
        int consumed = 0;
        while (from.hasRemaining()) {
            if (!flush()) {
                return consumed;
            }
            SSLEngineResult result = wrap(from);
            consumed += result.bytesConsumed();
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new EOFException("TLS closed");
            }
        }
        flush();
        return consumed;
    }

    /** Wraps into the (empty) outgoing buffer, then tries to send it. */
    private SSLEngineResult wrap(ByteBuffer from) throws IOException {
        netOut.compact();
        SSLEngineResult result;
        try {
            result = engine.wrap(from, netOut);
        } finally {
            netOut.flip();
        }
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            ByteBuffer bigger = ByteBuffer.allocate(netOut.capacity() + engine.getSession().getPacketBufferSize());
            bigger.put(netOut).flip();
            netOut = bigger;
        }
        if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
            runTasks();
        }
        flush();
        return result;
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** A larger copy of {@code buffer}; {@code readMode}: whether it is in read mode (else write mode). */
    private static ByteBuffer grow(ByteBuffer buffer, int atLeast, boolean readMode) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, buffer.capacity() * 2));
        if (readMode) {
            bigger.put(buffer).flip();
        } else {
            buffer.flip();
            bigger.put(buffer);
        }
        return bigger;
    }
}
