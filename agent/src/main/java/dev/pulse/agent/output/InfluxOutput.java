package dev.pulse.agent.output;

import dev.pulse.agent.config.OutputConfig;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * {@code pulse.influx.*}: every interval the scrape becomes line protocol ({@link LineProtocol}),
 * joins a bounded buffer of points, and the buffer is written in gzip-compressed batches: to
 * {@code /write?db=} (InfluxDB 1.x, Basic authentication with user and password) or
 * {@code /api/v2/write?org=&bucket=} (2.x and 3.x, {@code Authorization: Token}). Every request has
 * the configured timeout. While the server is down or slow the buffer keeps the newest
 * {@code buffer_points} points, dropping (and counting) the oldest, and writes are retried with a
 * backoff doubling from 1 s to 1 min; points the server refuses as malformed (HTTP 400) are
 * dropped and counted, so one bad batch never blocks the rest. Credentials go in headers, never
 * in the URL or a message.
 */
final class InfluxOutput implements Output {

    static final int BATCH_POINTS = 5000;
    static final long FIRST_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long MAX_BACKOFF_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final OutputConfig.Influx config;
    private final OutputStats stats;
    private final URL writeUrl;
    private final String authorization;
    private final ArrayDeque<String> buffer = new ArrayDeque<>();
    private long backoffNanos;
    private long retryAtNanos;

    InfluxOutput(OutputConfig.Influx config, OutputStats stats) {
        this.config = config;
        this.stats = stats;
        this.writeUrl = writeUrl(config);
        this.authorization = authorization(config);
    }

    @Override
    public String name() {
        return "influx";
    }

    @Override
    public void write(MetricSnapshots scrape, long nowMillis, long deadlineNanos, boolean last) throws IOException {
        LineProtocol.write(scrape, nowMillis, this::add);
        stats.buffered.set(buffer.size());
        if (!last && backoffNanos > 0 && System.nanoTime() - retryAtNanos < 0) {
            return;
        }
        try {
            while (!buffer.isEmpty() && deadlineNanos - System.nanoTime() > 0) {
                int sent = send(Math.min(BATCH_POINTS, buffer.size()), deadlineNanos);
                for (int i = 0; i < sent; i++) {
                    buffer.pollFirst();
                }
                stats.written(sent, System.currentTimeMillis());
            }
            backoffNanos = 0;
        } catch (Refused refused) {
            for (int i = 0; i < refused.points; i++) {
                buffer.pollFirst();
            }
            stats.dropped.add(refused.points);
            throw refused;
        } catch (IOException e) {
            backoffNanos = backoffNanos == 0 ? FIRST_BACKOFF_NANOS : Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
            retryAtNanos = System.nanoTime() + backoffNanos;
            throw e;
        } finally {
            stats.buffered.set(buffer.size());
        }
    }

    private void add(String line) {
        if (buffer.size() >= config.bufferPoints()) {
            buffer.pollFirst();
            stats.dropped.increment();
        }
        buffer.addLast(line);
    }

    /** Sends the first {@code count} buffered points; returns how many were written. */
    private int send(int count, long deadlineNanos) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(body)) {
            Iterator<String> lines = buffer.iterator();
            for (int i = 0; i < count; i++) {
                gzip.write(lines.next().getBytes(StandardCharsets.UTF_8));
                gzip.write('\n');
            }
        }
        long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        int timeout = (int) Math.max(1, Math.min(config.timeout().toMillis(), leftMillis));
        HttpURLConnection connection = (HttpURLConnection) writeUrl.openConnection();
        try {
            connection.setConnectTimeout(timeout);
            connection.setReadTimeout(timeout);
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "text/plain; charset=utf-8");
            connection.setRequestProperty("Content-Encoding", "gzip");
            if (authorization != null) {
                connection.setRequestProperty("Authorization", authorization);
            }
            connection.setFixedLengthStreamingMode(body.size());
            try (OutputStream out = connection.getOutputStream()) {
                body.writeTo(out);
            }
            int status = connection.getResponseCode();
            if (status / 100 == 2) {
                HttpAnswers.drain(connection.getInputStream());
                return count;
            }
            String answer = HttpAnswers.firstLine(connection.getErrorStream());
            String where = "write to " + writeUrl.getHost() + ":" + writeUrl.getPort() + " answered HTTP " + status;
            if (status == 400 || status == 413 || status == 422) {
                throw new Refused(where + ", refusing " + count + " points (dropped): " + answer, count);
            }
            throw new IOException(where + ": " + answer + "; " + buffer.size() + " points kept for a retry");
        } finally {
            connection.disconnect();
        }
    }

    static URL writeUrl(OutputConfig.Influx config) {
        String query = config.database() != null
                ? "/write?db=" + encode(config.database()) + "&precision=ms"
                : "/api/v2/write?org=" + encode(config.org()) + "&bucket=" + encode(config.bucket()) + "&precision=ms";
        try {
            return new URL(config.url() + query);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String authorization(OutputConfig.Influx config) {
        if (config.token() != null) {
            return "Token " + config.token();
        }
        if (config.user() != null) {
            String password = config.password() == null ? "" : config.password();
            return "Basic " + Base64.getEncoder().encodeToString(
                    (config.user() + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The server refused a batch as malformed or too large: retrying it would fail again. */
    private static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;
        final int points;

        Refused(String message, int points) {
            super(message);
            this.points = points;
        }
    }
}
