package dev.pulse.agent.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the agent writes its metrics besides the endpoint: InfluxDB ({@code pulse.influx.*}), a
 * node_exporter text file ({@code pulse.textfile.path}) and a Pushgateway ({@code pulse.pushgateway.*}).
 * Each part is null when not configured.
 */
public final class OutputConfig {

    static final OutputConfig NONE = new OutputConfig(null, null, null);

    private final Influx influx;
    private final Path textfile;
    private final Pushgateway pushgateway;

    OutputConfig(Influx influx, Path textfile, Pushgateway pushgateway) {
        this.influx = influx;
        this.textfile = textfile;
        this.pushgateway = pushgateway;
    }

    /** The InfluxDB to push to, or null. */
    public Influx influx() {
        return influx;
    }

    /** The .prom file to write for node_exporter's textfile collector, or null. */
    public Path textfile() {
        return textfile;
    }

    /** The Pushgateway to push to, or null. */
    public Pushgateway pushgateway() {
        return pushgateway;
    }

    /** True when at least one output is configured. */
    public boolean any() {
        return influx != null || textfile != null || pushgateway != null;
    }

    /**
     * An InfluxDB: 1.x with a database (and optional user and password), or 2.x/3.x with an org, a
     * bucket and an API token.
     */
    public static final class Influx {
        private final URI url;
        private final String database;
        private final String user;
        private final String password;
        private final String org;
        private final String bucket;
        private final String token;
        private final int bufferPoints;
        private final Duration timeout;

        Influx(URI url, String database, String user, String password, String org, String bucket, String token,
                int bufferPoints, Duration timeout) {
            this.url = url;
            this.database = database;
            this.user = user;
            this.password = password;
            this.org = org;
            this.bucket = bucket;
            this.token = token;
            this.bufferPoints = bufferPoints;
            this.timeout = timeout;
        }

        /** The server's base URL, such as http://127.0.0.1:8086, without user info. */
        public URI url() {
            return url;
        }

        /** The 1.x database; null for 2.x/3.x. */
        public String database() {
            return database;
        }

        /** The 1.x user, or null. */
        public String user() {
            return user;
        }

        /** The 1.x password, or null. Never logged. */
        public String password() {
            return password;
        }

        public String org() {
            return org;
        }

        public String bucket() {
            return bucket;
        }

        /** The 2.x/3.x API token, or null. Never logged. */
        public String token() {
            return token;
        }

        /** Points kept while the server is down or slow; beyond it the oldest are dropped. */
        public int bufferPoints() {
            return bufferPoints;
        }

        /** Connect and read timeout of each write. */
        public Duration timeout() {
            return timeout;
        }
    }

    /** A Pushgateway, and the job (grouping key) the agent pushes as. */
    public static final class Pushgateway {
        private final URI url;
        private final String job;

        Pushgateway(URI url, String job) {
            this.url = url;
            this.job = job;
        }

        public URI url() {
            return url;
        }

        public String job() {
            return job;
        }
    }
}
