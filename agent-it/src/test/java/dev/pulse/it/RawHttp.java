package dev.pulse.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

/** HTTP over a plain socket to 127.0.0.1, for tests that need to see exactly what goes over the wire. */
final class RawHttp {

    private RawHttp() {
    }

    static Socket connect(int port, int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        return socket;
    }

    /** Sends {@code request} on a new connection and reads until the server closes it. */
    static String exchange(int port, String request, int timeoutMillis) throws IOException {
        try (Socket socket = connect(port, timeoutMillis)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return readToEnd(socket);
        }
    }

    /** A {@code GET} with {@code Connection: close}; returns the whole response. */
    static String get(int port, String path, int timeoutMillis) throws IOException {
        return exchange(port, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", timeoutMillis);
    }

    static String readToEnd(Socket socket) throws IOException {
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            response.write(buffer, 0, n);
        }
        return response.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads one response of a keep-alive connection: the head, then a body of its Content-Length
     * (or up to the end of the stream when it has none).
     */
    static String readResponse(DataInputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int length = -1;
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            head.append(line).append("\r\n");
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        if (length >= 0) {
            in.readFully(new byte[length]);
        } else {
            in.readAllBytes();
        }
        return head.toString();
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("the connection closed within a response head");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /**
     * Whether the server closes {@code socket} (end of stream or reset, after any answer) within
     * its read timeout.
     */
    static boolean closedByServer(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[1024];
            while (in.read(buffer) >= 0) {
                // an answer (a 408, say) before the close is fine
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Resident set size of process {@code pid}, in KiB, from /proc. */
    static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    /** User plus system CPU time of process {@code pid} so far, in clock ticks (1/100 s on Linux). */
    static long cpuTicks(long pid) throws IOException {
        String stat = new String(Files.readAllBytes(Paths.get("/proc/" + pid + "/stat")), StandardCharsets.US_ASCII);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is the state (field 3 of stat); utime and stime are fields 14 and 15
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
