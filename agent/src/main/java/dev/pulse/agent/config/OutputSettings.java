package dev.pulse.agent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects the output keys while the configuration is read, and checks them together at the end. */
final class OutputSettings {

    static final String INFLUX = "pulse.influx.";
    static final String TEXTFILE_PATH = "pulse.textfile.path";
    static final String PUSHGATEWAY = "pulse.pushgateway.";
    static final List<String> INFLUX_ATTRIBUTES = List.of("url", "db", "user", "password", "org", "bucket", "token",
            "buffer_points", "timeout");
    static final List<String> PUSHGATEWAY_ATTRIBUTES = List.of("url", "job");
    /** The keys, as the unknown-key message lists them. */
    static final String KNOWN_KEYS = INFLUX + String.join("|", INFLUX_ATTRIBUTES) + ", " + TEXTFILE_PATH + ", "
            + PUSHGATEWAY + String.join("|", PUSHGATEWAY_ATTRIBUTES);
    static final int DEFAULT_BUFFER_POINTS = 100_000;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** Every output key, for the environment variables that name them (PULSE_INFLUX_TOKEN). */
    static final List<String> KEYS = keys();

    private final Map<String, Setting> settings = new LinkedHashMap<>();

    /** True when {@code key} is an output key; it is then kept for {@link #build}. */
    boolean accept(Setting setting) {
        String key = setting.key();
        boolean known = key.startsWith(INFLUX) && INFLUX_ATTRIBUTES.contains(key.substring(INFLUX.length()))
                || key.equals(TEXTFILE_PATH)
                || key.startsWith(PUSHGATEWAY) && PUSHGATEWAY_ATTRIBUTES.contains(key.substring(PUSHGATEWAY.length()));
        if (known) {
            settings.put(key, setting);
        }
        return known;
    }

    OutputConfig build(String service) throws ConfigException {
        return new OutputConfig(influx(), textfile(), pushgateway(service));
    }

    private OutputConfig.Influx influx() throws ConfigException {
        Setting url = settings.get(INFLUX + "url");
        if (url == null) {
            for (String key : settings.keySet()) {
                if (key.startsWith(INFLUX)) {
                    throw new ConfigException(settings.get(key).origin() + ": " + key + ": expected "
                            + INFLUX + "url beside it, found none");
                }
            }
            return null;
        }
        URI base = httpUrl(url, "an http or https URL such as http://127.0.0.1:8086");
        String db = value(INFLUX + "db");
        String org = value(INFLUX + "org");
        String bucket = value(INFLUX + "bucket");
        if (db == null && bucket == null) {
            throw new ConfigException(url.origin() + ": " + url.key() + ": expected " + INFLUX + "db (InfluxDB 1.x) or "
                    + INFLUX + "org and " + INFLUX + "bucket (2.x, 3.x) beside it, found neither");
        }
        if (db != null && (bucket != null || org != null)) {
            Setting extra = settings.get(INFLUX + (bucket != null ? "bucket" : "org"));
            throw new ConfigException(extra.origin() + ": " + extra.key() + ": expected either " + INFLUX
                    + "db (InfluxDB 1.x) or " + INFLUX + "org and " + INFLUX + "bucket (2.x, 3.x), found both");
        }
        if (db == null && (org == null || bucket == null)) {
            Setting given = settings.get(INFLUX + (org == null ? "bucket" : "org"));
            throw new ConfigException(given.origin() + ": " + INFLUX + (org == null ? "org" : "bucket")
                    + ": expected it beside " + given.key() + ", found none");
        }
        requireWith(db != null, "token", "InfluxDB 2.x and 3.x, with " + INFLUX + "org and " + INFLUX + "bucket");
        requireWith(db == null, "user", "InfluxDB 1.x, with " + INFLUX + "db");
        requireWith(db == null, "password", "InfluxDB 1.x, with " + INFLUX + "db");
        int buffer = DEFAULT_BUFFER_POINTS;
        Setting bufferSetting = settings.get(INFLUX + "buffer_points");
        if (bufferSetting != null) {
            try {
                buffer = Integer.parseInt(bufferSetting.value());
            } catch (NumberFormatException e) {
                buffer = 0;
            }
            if (buffer < 1 || buffer > 10_000_000) {
                throw ConfigException.expected(bufferSetting, "a number of points 1..10000000");
            }
        }
        Setting timeoutSetting = settings.get(INFLUX + "timeout");
        Duration timeout = timeoutSetting == null ? DEFAULT_TIMEOUT : Durations.parse(timeoutSetting);
        return new OutputConfig.Influx(base, db, value(INFLUX + "user"), value(INFLUX + "password"), org, bucket,
                value(INFLUX + "token"), buffer, timeout);
    }

    /** A key that belongs to the other InfluxDB version is an error naming the version it is for. */
    private void requireWith(boolean wrongVersion, String attribute, String belongsTo) throws ConfigException {
        Setting setting = settings.get(INFLUX + attribute);
        if (wrongVersion && setting != null) {
            throw new ConfigException(setting.origin() + ": " + setting.key() + ": is for " + belongsTo
                    + "; remove it or configure that version");
        }
    }

    private Path textfile() throws ConfigException {
        Setting setting = settings.get(TEXTFILE_PATH);
        if (setting == null) {
            return null;
        }
        Path path;
        try {
            path = Paths.get(setting.value()).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw ConfigException.expected(setting, "a file path ending in .prom");
        }
        if (!path.getFileName().toString().endsWith(".prom")) {
            throw ConfigException.expected(setting, "a file name ending in .prom, which node_exporter's textfile"
                    + " collector reads");
        }
        Path folder = path.getParent();
        if (folder == null || !Files.isDirectory(folder) || !Files.isWritable(folder)) {
            throw ConfigException.expected(setting, "a file in an existing folder the service can write"
                    + " (node_exporter's --collector.textfile.directory)");
        }
        return path;
    }

    private OutputConfig.Pushgateway pushgateway(String service) throws ConfigException {
        Setting url = settings.get(PUSHGATEWAY + "url");
        Setting job = settings.get(PUSHGATEWAY + "job");
        if (url == null) {
            if (job != null) {
                throw new ConfigException(job.origin() + ": " + job.key() + ": expected " + PUSHGATEWAY
                        + "url beside it, found none");
            }
            return null;
        }
        URI base = httpUrl(url, "an http or https URL such as http://127.0.0.1:9091");
        String name = job == null ? service : job.value();
        if (name.isEmpty() || name.indexOf('/') >= 0) {
            throw ConfigException.expected(job, "a job name without /");
        }
        return new OutputConfig.Pushgateway(base, name);
    }

    private String value(String key) {
        Setting setting = settings.get(key);
        return setting == null || setting.value().isEmpty() ? null : setting.value();
    }

    /** An http(s) URL with a host, no user info, query or fragment; a trailing / is dropped. */
    private static URI httpUrl(Setting setting, String expected) throws ConfigException {
        URI uri;
        try {
            uri = new URI(setting.value());
        } catch (URISyntaxException e) {
            throw ConfigException.expected(setting, expected);
        }
        boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
        if (!http || uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null) {
            throw ConfigException.expected(setting, expected);
        }
        if (uri.getUserInfo() != null) {
            // Never echo credentials given in the URL.
            throw new ConfigException(setting.origin() + ": " + setting.key() + ": expected " + expected
                    + " without user info; give credentials in their own keys");
        }
        String text = uri.toString();
        return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }

    private static List<String> keys() {
        List<String> keys = new ArrayList<>();
        INFLUX_ATTRIBUTES.forEach(attribute -> keys.add(INFLUX + attribute));
        keys.add(TEXTFILE_PATH);
        PUSHGATEWAY_ATTRIBUTES.forEach(attribute -> keys.add(PUSHGATEWAY + attribute));
        return List.copyOf(keys);
    }
}
