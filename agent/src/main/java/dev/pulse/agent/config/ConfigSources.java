package dev.pulse.agent.config;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Collects the settings from their three sources; later sources win:
 * the properties file, then {@code -Dpulse.*} system properties, then {@code PULSE_*}
 * environment variables.
 *
 * <p>An environment variable is the key upper-cased with dots turned into underscores
 * ({@code pulse.http.port} is {@code PULSE_HTTP_PORT}). Other programs use the PULSE_ prefix too
 * (PulseAudio's PULSE_SERVER, for one), so an environment variable that names no Pulse key is
 * ignored rather than rejected. Attributes come last: {@code PULSE_TIMER_JOB_EXECUTION_STALL} is
 * {@code pulse.timer.job_execution.stall}, {@code PULSE_SQL_JOBS_BY_STATUS_QUERY} is
 * {@code pulse.sql.jobs_by_status.query}.
 */
public final class ConfigSources {

    static final String SECTION_TIMER = "pulse.timer.";
    static final String SECTION_QUEUE = "pulse.queue.";
    static final String SECTION_SQL = "pulse.sql.";

    private ConfigSources() {
    }

    /**
     * @param file the properties file named in the agent argument, or null for none
     */
    public static Map<String, Setting> collect(String file, Properties system, Map<String, String> environment)
            throws ConfigException {
        Map<String, Setting> settings = new LinkedHashMap<>();
        if (file != null && !file.trim().isEmpty()) {
            Path path = Paths.get(file.trim());
            for (Setting setting : PropertiesFile.read(path)) {
                settings.put(setting.key(), setting);
            }
        }
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith("pulse.")) {
                settings.put(name, new Setting(name, system.getProperty(name).trim(), "system property"));
            }
        }
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            String key = keyOfEnvironmentVariable(variable.getKey(), settings);
            if (key != null) {
                settings.put(key, new Setting(key, variable.getValue().trim(),
                        "environment variable " + variable.getKey()));
            }
        }
        return settings;
    }

    /** The Pulse key an environment variable names, or null when it names none. */
    static String keyOfEnvironmentVariable(String name, Map<String, Setting> known) {
        if (!name.startsWith("PULSE_")) {
            return null;
        }
        for (String key : PulseConfig.FIXED_KEYS) {
            if (environmentName(key).equals(name)) {
                return key;
            }
        }
        for (String key : OutputSettings.KEYS) {
            if (environmentName(key).equals(name)) {
                return key;
            }
        }
        for (String key : known.keySet()) {
            if (environmentName(key).equals(name)) {
                return key;
            }
        }
        String lower = name.toLowerCase(Locale.ROOT);
        String timer = sectionRest(lower, SECTION_TIMER);
        if (timer != null) {
            return SECTION_TIMER + (timer.endsWith("_stall") ? timer.substring(0, timer.length() - 6) + ".stall" : timer);
        }
        String queue = sectionRest(lower, SECTION_QUEUE);
        if (queue != null) {
            return SECTION_QUEUE + queue;
        }
        String sql = sectionRest(lower, SECTION_SQL);
        int attribute = sql == null ? -1 : sql.lastIndexOf('_');
        if (attribute > 0 && SqlSettings.ATTRIBUTES.contains(sql.substring(attribute + 1))) {
            return SECTION_SQL + sql.substring(0, attribute) + "." + sql.substring(attribute + 1);
        }
        return null;
    }

    /** What follows a section's prefix in a lower-cased environment variable name, or null. */
    private static String sectionRest(String lowerName, String section) {
        String prefix = environmentName(section).toLowerCase(Locale.ROOT);
        return lowerName.startsWith(prefix) && lowerName.length() > prefix.length()
                ? lowerName.substring(prefix.length()) : null;
    }

    static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
