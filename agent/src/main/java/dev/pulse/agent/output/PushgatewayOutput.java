package dev.pulse.agent.output;

import dev.pulse.agent.config.OutputConfig;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * {@code pulse.pushgateway.url}: pushes the whole scrape every interval and once at exit, with an
 * HTTP PUT of the Prometheus text format to {@code /metrics/job/<job>/instance/<host name>}, so
 * each push replaces the group's previous one and a short batch job still leaves its final
 * numbers. (client_java's own Pushgateway exporter is not published for the client version the
 * agent uses, and it has no deadline per push; this is the same protocol with one.)
 */
final class PushgatewayOutput implements Output {

    static final int CONNECT_TIMEOUT_MILLIS = 2000;
    static final int MAX_TIMEOUT_MILLIS = 10_000;

    private final URL url;
    private final OutputStats stats;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    PushgatewayOutput(OutputConfig.Pushgateway config, OutputStats stats) {
        this.stats = stats;
        this.url = groupUrl(config, hostName());
    }

    @Override
    public String name() {
        return "pushgateway";
    }

    @Override
    public void write(MetricSnapshots scrape, long nowMillis, long deadlineNanos, boolean last) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writer.write(body, scrape);
        int timeout = (int) Math.max(1, Math.min(MAX_TIMEOUT_MILLIS, (deadlineNanos - System.nanoTime()) / 1_000_000));
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        try {
            connection.setConnectTimeout(Math.min(CONNECT_TIMEOUT_MILLIS, timeout));
            connection.setReadTimeout(timeout);
            connection.setRequestMethod("PUT");
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", writer.getContentType());
            connection.setFixedLengthStreamingMode(body.size());
            try (OutputStream out = connection.getOutputStream()) {
                body.writeTo(out);
            }
            int status = connection.getResponseCode();
            if (status / 100 != 2) {
                throw new IOException("push to " + url.getHost() + ":" + url.getPort() + " answered HTTP " + status
                        + ": " + HttpAnswers.firstLine(connection.getErrorStream()));
            }
            HttpAnswers.drain(connection.getInputStream());
        } finally {
            connection.disconnect();
        }
        stats.written(TextfileOutput.points(scrape), nowMillis);
    }

    /** The group URL; label values that could hold a / are base64url-encoded, as the Pushgateway allows. */
    static URL groupUrl(OutputConfig.Pushgateway config, String instance) {
        try {
            return new URL(config.url() + "/metrics/job/" + URLEncoder.encode(config.job(), StandardCharsets.UTF_8)
                    .replace("+", "%20") + "/instance@base64/"
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(instance.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
