package dev.pulse.agent.config;

/** One configured key, its raw value and where it came from (for error messages). */
public final class Setting {

    private final String key;
    private final String value;
    private final String origin;

    Setting(String key, String value, String origin) {
        this.key = key;
        this.value = value;
        this.origin = origin;
    }

    public String key() {
        return key;
    }

    public String value() {
        return value;
    }

    /** "file:line", "system property" or "environment variable PULSE_X". */
    public String origin() {
        return origin;
    }

    @Override
    public String toString() {
        return origin + ": " + key + "=" + value;
    }
}
