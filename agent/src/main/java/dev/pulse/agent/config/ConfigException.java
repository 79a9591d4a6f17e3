package dev.pulse.agent.config;

/**
 * A configuration error, already phrased as the one line the user sees:
 * {@code <origin>: <key>: expected <what>, found "<value>"}.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message, null, false, false);
    }

    static ConfigException expected(Setting setting, String expected) {
        return new ConfigException(setting.origin() + ": " + setting.key() + ": expected " + expected
                + ", found \"" + setting.value() + "\"");
    }
}
