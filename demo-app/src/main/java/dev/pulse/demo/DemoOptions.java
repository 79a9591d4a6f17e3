package dev.pulse.demo;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of the demo.
 *
 * @param duration        how long to run; null runs until the JVM is stopped
 * @param jobsPerSecond   how fast the producer creates jobs
 * @param hangWorkerAfter when the worker's next job should hang; null never
 * @param hangFor         how long that one job hangs
 */
record DemoOptions(Duration duration, double jobsPerSecond, Duration hangWorkerAfter, Duration hangFor) {

    static final String USAGE = "usage: java -jar pulse-demo.jar [--duration 30s] [--rate 20]"
            + " [--hang-worker-after 20s] [--hang-for 60s]";

    static final double DEFAULT_RATE = 20;
    static final Duration DEFAULT_HANG_FOR = Duration.ofSeconds(60);

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    /** Reads the options; an unknown option or a bad value fails with one line naming the option. */
    static DemoOptions parse(String... args) {
        Duration duration = null;
        double rate = DEFAULT_RATE;
        Duration hangAfter = null;
        Duration hangFor = DEFAULT_HANG_FOR;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(isKnown(option)
                        ? option + ": expected a value"
                        : "unknown option \"" + option + "\"");
            }
            String value = args[++i];
            switch (option) {
                case "--duration" -> duration = parseDuration(option, value);
                case "--rate" -> rate = parseRate(option, value);
                case "--hang-worker-after" -> hangAfter = parseDuration(option, value);
                case "--hang-for" -> hangFor = parseDuration(option, value);
                default -> throw new IllegalArgumentException("unknown option \"" + option + "\"");
            }
        }
        return new DemoOptions(duration, rate, hangAfter, hangFor);
    }

    /** Parses a positive duration written as a whole number and a unit: 500ms, 30s, 2m, 1h. */
    static Duration parseDuration(String option, String text) {
        Matcher matcher = DURATION.matcher(text);
        long amount = matcher.matches() ? parseAmount(matcher.group(1)) : 0;
        if (amount <= 0) {
            throw new IllegalArgumentException(
                    option + ": expected a duration like 500ms, 30s or 2m, found \"" + text + "\"");
        }
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    /** Writes a duration the way it is read: 500ms, 30s, 2m. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1000 != 0) {
            return millis + "ms";
        }
        long seconds = millis / 1000;
        return seconds != 0 && seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }

    private static boolean isKnown(String option) {
        return switch (option) {
            case "--duration", "--rate", "--hang-worker-after", "--hang-for" -> true;
            default -> false;
        };
    }

    // Too many digits for a long reads as "not a duration", same as any other bad text.
    private static long parseAmount(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static double parseRate(String option, String text) {
        double rate;
        try {
            rate = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            rate = Double.NaN;
        }
        if (!(rate > 0 && rate <= 100_000)) {
            throw new IllegalArgumentException(
                    option + ": expected jobs per second, more than 0 and at most 100000, found \"" + text + "\"");
        }
        return rate;
    }
}
