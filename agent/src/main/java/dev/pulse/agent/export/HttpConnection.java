package dev.pulse.agent.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * One client connection, driven only by the endpoint's selector thread: it reads a request head
 * into a small buffer of its own (at most {@link HttpRequest#MAX_HEAD_BYTES}), waits for its
 * response without holding any thread, writes it without blocking, and starts over on a
 * keep-alive connection.
 */
final class HttpConnection {

    /** What the connection waits for. */
    enum State { READING_HEAD, PROCESSING, WRITING, CLOSED }

    private static final int INITIAL_HEAD_BYTES = 512;

    final Transport transport;
    final SelectionKey key;
    State state = State.READING_HEAD;
    /** When the connection is closed if its state has not changed (System.nanoTime()). */
    long deadline;
    /** Whether the current deadline is that of a request head (else an idle keep-alive connection). */
    boolean headStarted;
    private byte[] head = new byte[0];
    private int headLength;
    private int scannedTo;
    private ByteBuffer[] output;
    boolean keepAlive;

    HttpConnection(Transport transport, SelectionKey key) {
        this.transport = transport;
        this.key = key;
    }

    /**
     * Takes the bytes read into {@code buffer} (in read mode) into the head.
     *
     * @return false when the head would grow past the limit
     */
    boolean append(ByteBuffer buffer) {
        int n = buffer.remaining();
        if (headLength + n > HttpRequest.MAX_HEAD_BYTES + INITIAL_HEAD_BYTES) {
            return false;
        }
        if (headLength + n > head.length) {
            byte[] bigger = new byte[Math.max(INITIAL_HEAD_BYTES, Math.max(headLength + n, head.length * 2))];
            System.arraycopy(head, 0, bigger, 0, headLength);
            head = bigger;
        }
        buffer.get(head, headLength, n);
        headLength += n;
        return true;
    }

    int headLength() {
        return headLength;
    }

    /** The length of the complete head at the start of the buffer, or -1 while it is incomplete. */
    int completeHead() {
        int end = HttpRequest.headEnd(head, scannedTo, headLength);
        scannedTo = end < 0 ? Math.max(0, headLength - 3) : 0;
        return end;
    }

    HttpRequest parseHead(int end) throws HttpRequest.BadRequest {
        return HttpRequest.parse(head, end);
    }

    /** Drops the first {@code end} bytes (a head now parsed), keeping what a pipelining client sent after it. */
    void consumeHead(int end) {
        System.arraycopy(head, end, head, 0, headLength - end);
        headLength -= end;
        scannedTo = 0;
        if (headLength == 0 && head.length > INITIAL_HEAD_BYTES) {
            head = new byte[0];
        }
    }

    void startWriting(ByteBuffer... buffers) {
        this.output = buffers;
        this.state = State.WRITING;
    }

    /** Writes what the socket takes; true when the whole response has gone. */
    boolean writeSome() throws IOException {
        if (!transport.flush()) {
            return false;
        }
        for (ByteBuffer buffer : output) {
            while (buffer.hasRemaining()) {
                if (transport.write(buffer) == 0 && buffer.hasRemaining()) {
                    return false;
                }
            }
        }
        if (!transport.flush()) {
            return false;
        }
        output = null;
        return true;
    }

    void close() {
        state = State.CLOSED;
        key.cancel();
        try {
            transport.channel().close();
        } catch (IOException ignored) {
            // closing: nothing left to do
        }
    }
}
