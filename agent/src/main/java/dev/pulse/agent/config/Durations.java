package dev.pulse.agent.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as users write them in the properties file: 500ms, 5s, 1m. */
final class Durations {

    static final String EXPECTED = "a positive duration such as 500ms, 5s or 1m";

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m)");

    private Durations() {
    }

    static Duration parse(Setting setting) throws ConfigException {
        Matcher matcher = DURATION.matcher(setting.value());
        if (!matcher.matches()) {
            throw ConfigException.expected(setting, EXPECTED);
        }
        long amount = Long.parseLong(matcher.group(1));
        Duration duration;
        switch (matcher.group(2)) {
            case "ms":
                duration = Duration.ofMillis(amount);
                break;
            case "s":
                duration = Duration.ofSeconds(amount);
                break;
            default:
                duration = Duration.ofMinutes(amount);
                break;
        }
        if (duration.isZero()) {
            throw ConfigException.expected(setting, EXPECTED);
        }
        return duration;
    }
}
