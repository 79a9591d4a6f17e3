package dev.pulse.agent.config;

import java.util.regex.Pattern;

/**
 * A name with optional {@code *} wildcards. In a class name a {@code *} stays within one
 * package segment, as in an import: {@code com.acme.*Worker} matches
 * {@code com.acme.JobWorker} but not {@code com.acme.sub.JobWorker}.
 */
public final class NamePattern {

    /** {@code $} and a module name, other than the suffixes of Kotlin's own helper methods. */
    static final String KOTLIN_INTERNAL_SUFFIX = "(?:\\$(?!default$|suspendImpl$)[\\p{L}\\p{N}_]+)?";

    private final String text;
    private final Pattern regex;

    private NamePattern(String text, Pattern regex) {
        this.text = text;
        this.regex = regex;
    }

    static NamePattern of(String text) {
        StringBuilder regex = new StringBuilder();
        for (String literal : text.split("\\*", -1)) {
            if (regex.length() > 0) {
                regex.append("[^.]*");
            }
            regex.append(Pattern.quote(literal));
        }
        return new NamePattern(text, Pattern.compile(regex.toString()));
    }

    /** A pattern over free text, where {@code *} matches any characters, dots included. */
    static NamePattern anyCharacters(String text) {
        StringBuilder regex = new StringBuilder();
        for (String literal : text.split("\\*", -1)) {
            if (regex.length() > 0) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(literal));
        }
        return new NamePattern(text, Pattern.compile(regex.toString(), Pattern.DOTALL));
    }

    public boolean isExact() {
        return text.indexOf('*') < 0;
    }

    public String text() {
        return text;
    }

    /** The pattern as a Java regular expression over the whole name. */
    public String regex() {
        return regex.pattern();
    }

    /**
     * The pattern as a regular expression over a method name. It also matches the name with one
     * {@code $suffix}: Kotlin compiles an {@code internal fun audit} to {@code audit$<module>}.
     * Names the Kotlin compiler derives for its own helpers ({@code audit$default},
     * {@code audit$suspendImpl}, {@code audit$lambda$0}) are not matched by it.
     */
    public String methodRegex() {
        return "(?:" + regex.pattern() + ")" + KOTLIN_INTERNAL_SUFFIX;
    }

    public boolean matches(String name) {
        return regex.matcher(name).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
