package dev.pulse.agent.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The agent's configuration, validated: every value here is known to be usable. */
public final class PulseConfig {

    static final String ENABLED = "pulse.enabled";
    static final String SERVICE = "pulse.service";
    static final String HTTP_HOST = "pulse.http.host";
    static final String HTTP_PORT = "pulse.http.port";
    static final String HTTP_AUTH_USER = "pulse.http.auth.user";
    static final String HTTP_AUTH_PASSWORD_HASH = "pulse.http.auth.password_hash";
    static final String HTTP_TLS_KEYSTORE = "pulse.http.tls.keystore";
    static final String HTTP_TLS_KEYSTORE_PASSWORD = "pulse.http.tls.keystore_password";
    static final String HTTP_TLS_KEYSTORE_TYPE = "pulse.http.tls.keystore_type";
    static final String SAMPLE_INTERVAL = "pulse.sample.interval";
    static final String TIMER_BUCKETS = "pulse.timer.buckets";
    static final String METRICS_MAX_SERIES = "pulse.metrics.max_series";
    static final String POOLS = "pulse.pools";
    static final String POOLS_EXCLUDE = "pulse.pools.exclude";
    static final String JVM = "pulse.jvm";
    static final String HISTORY_DURATION = "pulse.history.duration";

    /** Keys with a fixed name; the others are sections such as pulse.timer.&lt;operation&gt;. */
    static final List<String> FIXED_KEYS = List.of(ENABLED, SERVICE, HTTP_HOST, HTTP_PORT, HTTP_AUTH_USER,
            HTTP_AUTH_PASSWORD_HASH, HTTP_TLS_KEYSTORE, HTTP_TLS_KEYSTORE_PASSWORD, HTTP_TLS_KEYSTORE_TYPE,
            SAMPLE_INTERVAL, TIMER_BUCKETS, METRICS_MAX_SERIES, POOLS, POOLS_EXCLUDE, JVM,
            HISTORY_DURATION);

    static final int DEFAULT_MAX_SERIES = 2000;

    static final double[] DEFAULT_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private static final String KNOWN_KEYS = String.join(", ", FIXED_KEYS)
            + ", pulse.timer.<operation>, pulse.timer.<operation>.stall, pulse.queue.<name>, pulse.sql.<name>."
            + String.join("|", SqlSettings.ATTRIBUTES) + ", " + OutputSettings.KNOWN_KEYS;
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final String STALL_SUFFIX = ".stall";
    private static final Pattern HOURS = Pattern.compile("([0-9]{1,2})h");
    private static final String SEGMENT = "[A-Za-z_$*][A-Za-z0-9_$*]*";
    private static final Pattern TYPE = Pattern.compile(SEGMENT + "(\\." + SEGMENT + ")*");
    private static final Pattern METHOD = Pattern.compile(SEGMENT);
    private static final String IDENTIFIER = "[A-Za-z_$][A-Za-z0-9_$]*";
    private static final Pattern CLASS_NAME = Pattern.compile(IDENTIFIER + "(\\." + IDENTIFIER + ")*");
    private static final Pattern FIELD = Pattern.compile(IDENTIFIER);
    private static final String TIMER_EXPECTED = "<class pattern>#<method pattern>[,<method pattern>...]"
            + " such as com.acme.*Worker#process*";
    /** A parameter type: a Java name (nested classes with $ or .), then [] per dimension or a final ... */
    private static final Pattern PARAMETER = Pattern.compile(
            IDENTIFIER + "(\\." + IDENTIFIER + ")*(\\[\\])*(\\.\\.\\.)?");
    private static final String PARAMETERS_EXPECTED = "a method's parameter list of type names, * (any one) or a final .."
            + " (any more), such as service(jakarta.servlet.http.HttpServletRequest,*)";
    private static final String QUEUE_EXPECTED = "<class>#<field> such as com.acme.JobWorker#jobs";

    private final boolean enabled;
    private final String service;
    private final String httpHost;
    private final int httpPort;
    private final Duration sampleInterval;
    private final double[] buckets;
    private final int maxSeries;
    private final String authUser;
    private final PasswordHash authPasswordHash;
    private final TlsConfig tls;
    private final List<TimerConfig> timers;
    private final List<QueueConfig> queues;
    private final List<SqlGaugeConfig> sqlGauges;
    private final boolean pools;
    private final List<NamePattern> poolsExcluded;
    private final boolean jvm;
    private final Duration historyDuration;
    private final OutputConfig outputs;

    private PulseConfig(Builder builder) {
        this.enabled = builder.enabled;
        this.service = builder.service;
        this.httpHost = builder.httpHost;
        this.httpPort = builder.httpPort;
        this.sampleInterval = builder.sampleInterval;
        this.buckets = builder.buckets;
        this.maxSeries = builder.maxSeries;
        this.authUser = builder.authUser;
        this.authPasswordHash = builder.authPasswordHash;
        this.tls = builder.tls;
        this.timers = Collections.unmodifiableList(builder.timers);
        this.queues = Collections.unmodifiableList(builder.queues);
        this.sqlGauges = Collections.unmodifiableList(builder.sqlGauges);
        this.pools = builder.pools;
        this.poolsExcluded = Collections.unmodifiableList(builder.poolsExcluded);
        this.jvm = builder.jvm;
        this.historyDuration = builder.historyDuration;
        this.outputs = builder.outputs;
    }

    /** Reads the file named in the agent argument, then system properties, then the environment. */
    public static PulseConfig load(String agentArgument) throws ConfigException {
        return from(ConfigSources.collect(agentArgument, System.getProperties(), System.getenv()),
                defaultServiceName(System.getProperty("sun.java.command")));
    }

    /**
     * The configuration of one Properties object, as if every key came from {@code origin}; timers
     * and queues are numbered in key order.
     */
    public static PulseConfig from(Properties properties, String origin) throws ConfigException {
        Map<String, Setting> settings = new LinkedHashMap<>();
        for (String key : new java.util.TreeSet<>(properties.stringPropertyNames())) {
            settings.put(key, new Setting(key, properties.getProperty(key).trim(), origin));
        }
        return from(settings, defaultServiceName(null));
    }

    static PulseConfig from(Map<String, Setting> settings, String defaultService) throws ConfigException {
        Builder builder = new Builder(defaultService);
        for (Setting setting : settings.values()) {
            builder.apply(setting);
        }
        builder.finish();
        return new PulseConfig(builder);
    }

    /** The main jar's file name without ".jar", else the main class's simple name. */
    static String defaultServiceName(String javaCommand) {
        if (javaCommand == null || javaCommand.trim().isEmpty()) {
            return "java";
        }
        String main = javaCommand.trim().split("\\s+")[0];
        if (main.endsWith(".jar")) {
            String file = main.substring(Math.max(main.lastIndexOf('/'), main.lastIndexOf('\\')) + 1);
            return file.substring(0, file.length() - ".jar".length());
        }
        return main.substring(main.lastIndexOf('.') + 1);
    }

    public boolean enabled() {
        return enabled;
    }

    public String service() {
        return service;
    }

    public String httpHost() {
        return httpHost;
    }

    /** 0 means no endpoint. */
    public int httpPort() {
        return httpPort;
    }

    public Duration sampleInterval() {
        return sampleInterval;
    }

    public double[] buckets() {
        return buckets.clone();
    }

    /** Series per metric family before further label sets fold into one overflow series. */
    public int maxSeries() {
        return maxSeries;
    }

    /** The Basic authentication user of the endpoint, or null when it is open. */
    public String authUser() {
        return authUser;
    }

    /** The hash of the endpoint's password; set exactly when {@link #authUser()} is. */
    public PasswordHash authPasswordHash() {
        return authPasswordHash;
    }

    /** The endpoint's TLS key, or null for plain HTTP. */
    public TlsConfig tls() {
        return tls;
    }

    public List<TimerConfig> timers() {
        return timers;
    }

    public List<QueueConfig> queues() {
        return queues;
    }

    public List<SqlGaugeConfig> sqlGauges() {
        return sqlGauges;
    }

    /** False for pulse.pools=none: no connection or thread pool is looked for. */
    public boolean pools() {
        return pools;
    }

    /** InfluxDB, text file and Pushgateway outputs; {@link OutputConfig#any()} is false when none is set. */
    public OutputConfig outputs() {
        return outputs;
    }

    /** How much history to keep in memory (pulse.history.duration); zero keeps none. */
    public Duration historyDuration() {
        return historyDuration;
    }

    /** False for pulse.jvm=false: no jvm_* and process_* metrics. */
    public boolean jvm() {
        return jvm;
    }

    /** Pools and executors whose name matches one of these are not exported. */
    public boolean poolExcluded(String name) {
        for (NamePattern pattern : poolsExcluded) {
            if (pattern.matches(name)) {
                return true;
            }
        }
        return false;
    }

    private static final class Builder {
        boolean enabled = true;
        String service;
        String httpHost = "0.0.0.0";
        int httpPort = 9464;
        Duration sampleInterval = Duration.ofSeconds(5);
        double[] buckets = DEFAULT_BUCKETS.clone();
        int maxSeries = DEFAULT_MAX_SERIES;
        String authUser;
        PasswordHash authPasswordHash;
        TlsConfig tls;
        private final Map<String, Setting> security = new LinkedHashMap<>();
        final List<TimerConfig> timers = new ArrayList<>();
        final List<QueueConfig> queues = new ArrayList<>();
        final List<SqlGaugeConfig> sqlGauges = new ArrayList<>();
        boolean pools = true;
        final List<NamePattern> poolsExcluded = new ArrayList<>();
        boolean jvm = true;
        Duration historyDuration = Duration.ofHours(1);
        OutputConfig outputs = OutputConfig.NONE;
        private final OutputSettings outputSettings = new OutputSettings();
        private final Map<String, Setting> stalls = new LinkedHashMap<>();
        private final Map<String, SqlSettings> sql = new LinkedHashMap<>();

        Builder(String defaultService) {
            this.service = defaultService;
        }

        void apply(Setting setting) throws ConfigException {
            String key = setting.key();
            switch (key) {
                case ENABLED:
                    enabled = parseBoolean(setting);
                    return;
                case SERVICE:
                    service = requireNonEmpty(setting, "a service name");
                    return;
                case HTTP_HOST:
                    httpHost = requireNonEmpty(setting, "a host name or address such as 127.0.0.1");
                    return;
                case HTTP_PORT:
                    httpPort = parsePort(setting);
                    return;
                case SAMPLE_INTERVAL:
                    sampleInterval = Durations.parse(setting);
                    return;
                case TIMER_BUCKETS:
                    buckets = parseBuckets(setting);
                    return;
                case POOLS:
                    pools = parsePools(setting);
                    return;
                case POOLS_EXCLUDE:
                    poolsExcluded.clear();
                    poolsExcluded.addAll(parseNameList(setting));
                    return;
                case METRICS_MAX_SERIES:
                    maxSeries = parseMaxSeries(setting);
                    return;
                case JVM:
                    jvm = parseBoolean(setting);
                    return;
                case HISTORY_DURATION:
                    historyDuration = "0".equals(setting.value()) ? Duration.ZERO : parseHistory(setting);
                    return;
                case HTTP_AUTH_USER:
                case HTTP_AUTH_PASSWORD_HASH:
                case HTTP_TLS_KEYSTORE:
                case HTTP_TLS_KEYSTORE_PASSWORD:
                case HTTP_TLS_KEYSTORE_TYPE:
                    security.put(key, setting);
                    return;
                default:
                    break;
            }
            if (outputSettings.accept(setting)) {
                return;
            }
            if (key.startsWith(ConfigSources.SECTION_TIMER) && key.endsWith(STALL_SUFFIX)) {
                String operation = key.substring(ConfigSources.SECTION_TIMER.length(), key.length() - STALL_SUFFIX.length());
                stalls.put(checkedName(setting, operation, ConfigSources.SECTION_TIMER, "an operation"), setting);
            } else if (key.startsWith(ConfigSources.SECTION_TIMER)) {
                timers.add(parseTimer(setting, sectionName(setting, ConfigSources.SECTION_TIMER, "an operation")));
            } else if (key.startsWith(ConfigSources.SECTION_SQL)) {
                String rest = key.substring(ConfigSources.SECTION_SQL.length());
                int dot = rest.lastIndexOf('.');
                String attribute = dot < 0 ? "" : rest.substring(dot + 1);
                if (!SqlSettings.ATTRIBUTES.contains(attribute)) {
                    throw unknownKey(setting);
                }
                String name = checkedName(setting, rest.substring(0, dot), ConfigSources.SECTION_SQL, "an SQL gauge");
                sql.computeIfAbsent(name, SqlSettings::new).put(attribute, setting);
            } else if (key.startsWith(ConfigSources.SECTION_QUEUE)) {
                queues.add(parseQueue(setting, sectionName(setting, ConfigSources.SECTION_QUEUE, "a queue")));
            } else {
                throw unknownKey(setting);
            }
        }

        /** Checks what needs every key seen: stall thresholds name configured timers. */
        void finish() throws ConfigException {
            for (Map.Entry<String, Setting> stall : stalls.entrySet()) {
                Setting setting = stall.getValue();
                Duration threshold = Durations.parse(setting);
                boolean found = false;
                for (int i = 0; i < timers.size(); i++) {
                    if (timers.get(i).operation().equals(stall.getKey())) {
                        timers.set(i, timers.get(i).withStall(threshold));
                        found = true;
                    }
                }
                if (!found) {
                    throw new ConfigException(setting.origin() + ": " + setting.key() + ": expected a configured"
                            + " timer " + ConfigSources.SECTION_TIMER + stall.getKey() + ", found none");
                }
            }
            for (SqlSettings gauge : sql.values()) {
                SqlGaugeConfig built = gauge.build();
                checkMetricOfItsOwn(built);
                sqlGauges.add(built);
            }
            finishAuth();
            finishTls();
            outputs = outputSettings.build(service);
        }

        /**
         * Two gauges of one metric would be one family whose label names are known only when the
         * queries run, and may differ: each gauge has a metric of its own.
         */
        private void checkMetricOfItsOwn(SqlGaugeConfig gauge) throws ConfigException {
            for (SqlGaugeConfig other : sqlGauges) {
                if (other.metric().equals(gauge.metric())) {
                    String where = gauge.metricSetting() != null ? gauge.metricSetting().origin()
                            : other.metricSetting() != null ? other.metricSetting().origin() : "configuration";
                    throw new ConfigException(where + ": " + ConfigSources.SECTION_SQL + gauge.name()
                            + ".metric: expected a metric no other SQL gauge exports, found \"" + gauge.metric()
                            + "\", the metric of " + ConfigSources.SECTION_SQL + other.name());
                }
            }
        }

        /** User and password hash come together; the hash must be one hash-password prints. */
        private void finishAuth() throws ConfigException {
            Setting user = security.get(HTTP_AUTH_USER);
            Setting hash = security.get(HTTP_AUTH_PASSWORD_HASH);
            if (user == null && hash == null) {
                return;
            }
            if (user == null) {
                throw new ConfigException(hash.origin() + ": " + HTTP_AUTH_USER + ": expected a user name beside "
                        + HTTP_AUTH_PASSWORD_HASH + ", found none");
            }
            if (hash == null) {
                throw new ConfigException(user.origin() + ": " + HTTP_AUTH_PASSWORD_HASH + ": expected "
                        + PasswordHash.EXPECTED + " beside " + HTTP_AUTH_USER + ", found none");
            }
            if (user.value().isEmpty() || user.value().indexOf(':') >= 0) {
                throw ConfigException.expected(user, "a user name without ':'");
            }
            authUser = user.value();
            authPasswordHash = PasswordHash.parse(hash.value());
            if (authPasswordHash == null) {
                // The value is a hash, not a secret, but it is still not echoed.
                throw new ConfigException(hash.origin() + ": " + HTTP_AUTH_PASSWORD_HASH + ": expected "
                        + PasswordHash.EXPECTED);
            }
        }

        private void finishTls() throws ConfigException {
            Setting keystore = security.get(HTTP_TLS_KEYSTORE);
            Setting password = security.get(HTTP_TLS_KEYSTORE_PASSWORD);
            Setting type = security.get(HTTP_TLS_KEYSTORE_TYPE);
            if (keystore == null) {
                Setting orphan = password != null ? password : type;
                if (orphan != null) {
                    throw new ConfigException(orphan.origin() + ": " + HTTP_TLS_KEYSTORE + ": expected a keystore"
                            + " file beside " + orphan.key() + ", found none");
                }
                return;
            }
            if (keystore.value().isEmpty()) {
                throw ConfigException.expected(keystore, "a keystore file");
            }
            tls = TlsConfig.load(keystore, password, type);
        }

        private static ConfigException unknownKey(Setting setting) {
            return new ConfigException(setting.origin() + ": " + setting.key() + ": unknown key; known keys are "
                    + KNOWN_KEYS);
        }

        private static String sectionName(Setting setting, String section, String what) throws ConfigException {
            return checkedName(setting, setting.key().substring(section.length()), section, what);
        }

        private static String checkedName(Setting setting, String name, String section, String what)
                throws ConfigException {
            if (!NAME.matcher(name).matches()) {
                throw new ConfigException(setting.origin() + ": " + setting.key() + ": expected " + what
                        + " name of letters, digits and _ after " + section + ", found \"" + name + "\"");
            }
            return name;
        }

        private static boolean parseBoolean(Setting setting) throws ConfigException {
            switch (setting.value().toLowerCase(Locale.ROOT)) {
                case "true":
                    return true;
                case "false":
                    return false;
                default:
                    throw ConfigException.expected(setting, "true or false");
            }
        }

        private static String requireNonEmpty(Setting setting, String expected) throws ConfigException {
            if (setting.value().isEmpty()) {
                throw ConfigException.expected(setting, expected);
            }
            return setting.value();
        }

        /** Up to a day: a day of 1,000 series at a 5 s interval is about 140 MB. */
        private static Duration parseHistory(Setting setting) throws ConfigException {
            Duration duration;
            try {
                Matcher hours = HOURS.matcher(setting.value());
                duration = hours.matches() ? Duration.ofHours(Long.parseLong(hours.group(1))) : Durations.parse(setting);
            } catch (ConfigException e) {
                duration = Duration.ZERO;
            }
            if (duration.isZero() || duration.compareTo(Duration.ofHours(24)) > 0) {
                throw ConfigException.expected(setting, "a duration up to 24h such as 15m or 1h, or 0 for none");
            }
            return duration;
        }

        private static boolean parsePools(Setting setting) throws ConfigException {
            switch (setting.value().toLowerCase(Locale.ROOT)) {
                case "auto":
                    return true;
                case "none":
                    return false;
                default:
                    throw ConfigException.expected(setting, "auto or none");
            }
        }

        /** Pool names are free text (HikariCP's poolName), so only the separator and blanks are refused. */
        private static List<NamePattern> parseNameList(Setting setting) throws ConfigException {
            List<NamePattern> patterns = new ArrayList<>();
            if (setting.value().isEmpty()) {
                return patterns;
            }
            for (String part : setting.value().split(",", -1)) {
                if (part.trim().isEmpty()) {
                    throw ConfigException.expected(setting, "pool or executor names separated by commas, * for any"
                            + " characters, such as jdk:*,HikariPool-*");
                }
                patterns.add(NamePattern.anyCharacters(part.trim()));
            }
            return patterns;
        }

        private static int parsePort(Setting setting) throws ConfigException {
            try {
                int port = Integer.parseInt(setting.value());
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // reported below, with the value
            }
            throw ConfigException.expected(setting, "0..65535");
        }

        private static int parseMaxSeries(Setting setting) throws ConfigException {
            try {
                int max = Integer.parseInt(setting.value());
                if (max >= 1 && max <= 1_000_000) {
                    return max;
                }
            } catch (NumberFormatException e) {
                // reported below, with the value
            }
            throw ConfigException.expected(setting, "a number of series 1..1000000");
        }

        private static double[] parseBuckets(Setting setting) throws ConfigException {
            String expected = "increasing positive numbers separated by commas, such as 0.01,0.1,1,10";
            String[] parts = setting.value().split(",");
            double[] bounds = new double[parts.length];
            try {
                for (int i = 0; i < parts.length; i++) {
                    bounds[i] = Double.parseDouble(parts[i].trim());
                    boolean increasing = i == 0 || bounds[i] > bounds[i - 1];
                    if (!(bounds[i] > 0) || Double.isInfinite(bounds[i]) || !increasing) {
                        throw ConfigException.expected(setting, expected);
                    }
                }
            } catch (NumberFormatException e) {
                throw ConfigException.expected(setting, expected);
            }
            return bounds;
        }

        private static TimerConfig parseTimer(Setting setting, String operation) throws ConfigException {
            String value = setting.value();
            int hash = value.indexOf('#');
            if (hash < 0 || value.indexOf('#', hash + 1) >= 0) {
                throw ConfigException.expected(setting, TIMER_EXPECTED);
            }
            String type = value.substring(0, hash).trim();
            boolean subtypes = type.endsWith("+");
            if (subtypes) {
                type = type.substring(0, type.length() - 1);
            }
            if (!TYPE.matcher(type).matches() || (subtypes && type.indexOf('*') >= 0)) {
                throw ConfigException.expected(setting, TIMER_EXPECTED
                        + " (Name+ takes an exact class name)");
            }
            List<MethodPattern> methods = new ArrayList<>();
            for (String method : topLevelParts(value.substring(hash + 1))) {
                methods.add(parseMethod(setting, method.trim()));
            }
            return new TimerConfig(operation, new TypePattern(NamePattern.of(type), subtypes), methods, null);
        }

        /** Splits at the commas outside parentheses: {@code a,b(int,*)} is {@code a} and {@code b(int,*)}. */
        private static List<String> topLevelParts(String text) {
            List<String> parts = new ArrayList<>();
            int depth = 0;
            int start = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth--;
                } else if (c == ',' && depth == 0) {
                    parts.add(text.substring(start, i));
                    start = i + 1;
                }
            }
            parts.add(text.substring(start));
            return parts;
        }

        /** {@code name}, {@code name()} or {@code name(type,*,..)}; see {@link MethodPattern}. */
        private static MethodPattern parseMethod(Setting setting, String text) throws ConfigException {
            int open = text.indexOf('(');
            String name = open < 0 ? text : text.substring(0, open).trim();
            if (!METHOD.matcher(name).matches()) {
                throw ConfigException.expected(setting, TIMER_EXPECTED);
            }
            if (open < 0) {
                return new MethodPattern(NamePattern.of(name), null, false);
            }
            if (!text.endsWith(")") || text.indexOf('(', open + 1) >= 0 || text.indexOf(')') != text.length() - 1) {
                throw ConfigException.expected(setting, PARAMETERS_EXPECTED);
            }
            String inside = text.substring(open + 1, text.length() - 1).trim();
            List<String> parameters = new ArrayList<>();
            boolean anyRest = false;
            if (!inside.isEmpty()) {
                String[] items = inside.split(",", -1);
                for (int i = 0; i < items.length; i++) {
                    String item = items[i].trim();
                    if (item.equals("..") && i == items.length - 1) {
                        anyRest = true;
                    } else if (item.equals(MethodPattern.ANY_ONE) || PARAMETER.matcher(item).matches()) {
                        parameters.add(item.endsWith("...") ? item.substring(0, item.length() - 3) + "[]" : item);
                    } else {
                        throw ConfigException.expected(setting, PARAMETERS_EXPECTED);
                    }
                }
            }
            return new MethodPattern(NamePattern.of(name), parameters, anyRest);
        }

        private static QueueConfig parseQueue(Setting setting, String name) throws ConfigException {
            String[] parts = setting.value().split("#", -1);
            if (parts.length != 2 || !CLASS_NAME.matcher(parts[0].trim()).matches()
                    || !FIELD.matcher(parts[1].trim()).matches()) {
                throw ConfigException.expected(setting, QUEUE_EXPECTED);
            }
            return new QueueConfig(name, parts[0].trim(), parts[1].trim());
        }
    }

    @Override
    public String toString() {
        return "PulseConfig{enabled=" + enabled + ", service=" + service + ", http=" + httpHost + ":" + httpPort
                + ", interval=" + sampleInterval + ", buckets=" + Arrays.toString(buckets) + ", timers=" + timers
                + ", maxSeries=" + maxSeries + ", auth=" + (authUser != null) + ", tls=" + (tls != null)
                + ", queues=" + queues + ", pools=" + (pools ? "auto" : "none") + ", pools excluded=" + poolsExcluded
                + "}";
    }
}
