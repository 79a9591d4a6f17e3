package dev.pulse.agent.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The bytes of one connection, never blocking: plain TCP, or TLS over it. Used only by the
 * selector thread.
 */
interface Transport {

    /** Reads what has arrived into {@code into}: bytes read, 0 for none yet, -1 at the end of the stream. */
    int read(ByteBuffer into) throws IOException;

    /** Writes what the socket takes now of {@code from}; returns the bytes of {@code from} consumed. */
    int write(ByteBuffer from) throws IOException;

    /** Whether bytes of the transport's own (TLS records) still wait for the socket to take them. */
    boolean pendingOutput();

    /** Tries to send those bytes; true when none remain. */
    boolean flush() throws IOException;

    SocketChannel channel();

    /** Plain TCP. */
    final class Plain implements Transport {
        private final SocketChannel channel;

        Plain(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read(ByteBuffer into) throws IOException {
            return channel.read(into);
        }

        @Override
        public int write(ByteBuffer from) throws IOException {
            return channel.write(from);
        }

        @Override
        public boolean pendingOutput() {
            return false;
        }

        @Override
        public boolean flush() {
            return true;
        }

        @Override
        public SocketChannel channel() {
            return channel;
        }
    }
}
