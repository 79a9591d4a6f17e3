package dev.pulse.agent.config;

import java.util.List;
import java.util.Optional;

/**
 * One method pattern of a timer: a name with optional {@code *} wildcards, and optionally the
 * parameters, such as {@code service(jakarta.servlet.http.HttpServletRequest,*)}.
 *
 * <p>A parameter is a type name, fully qualified ({@code java.lang.String}, a nested class as
 * {@code java.util.Map$Entry}) or simple ({@code String}, {@code int}), with {@code []} per
 * array dimension ({@code byte[]}, {@code String...} is {@code String[]}); {@code *} is any one
 * parameter, and {@code ..}, last, any number of further parameters. {@code name()} takes no
 * parameters; a bare {@code name} takes any.
 */
public final class MethodPattern {

    /** Stands for any one parameter. */
    public static final String ANY_ONE = "*";

    private final NamePattern name;
    private final List<String> parameters;
    private final boolean anyRest;

    MethodPattern(NamePattern name, List<String> parameters, boolean anyRest) {
        this.name = name;
        this.parameters = parameters == null ? null : List.copyOf(parameters);
        this.anyRest = anyRest;
    }

    public NamePattern name() {
        return name;
    }

    /**
     * The parameter patterns in order (each a type name with {@code []} per dimension, or
     * {@link #ANY_ONE}), empty when the pattern names no parameter list.
     */
    public Optional<List<String>> parameters() {
        return Optional.ofNullable(parameters);
    }

    /** True when the parameter list ends in {@code ..}: any number of further parameters. */
    public boolean anyRest() {
        return anyRest;
    }

    /**
     * Whether a parameter type, given by its name as Java writes it but with {@code $} for nested
     * classes ({@code java.util.Map$Entry}, {@code int}, {@code byte[]}), matches a parameter
     * pattern: a fully qualified pattern by the whole name ({@code Map.Entry} and {@code Map$Entry}
     * alike), a simple one by the class's own name, {@code []} for {@code []}.
     */
    public static boolean parameterMatches(String pattern, String typeName) {
        if (ANY_ONE.equals(pattern)) {
            return true;
        }
        String component = typeName;
        String wanted = pattern;
        while (wanted.endsWith("[]")) {
            if (!component.endsWith("[]")) {
                return false;
            }
            wanted = wanted.substring(0, wanted.length() - 2);
            component = component.substring(0, component.length() - 2);
        }
        if (component.endsWith("[]")) {
            return false;
        }
        if (wanted.indexOf('.') >= 0) {
            return wanted.equals(component) || wanted.equals(component.replace('$', '.'));
        }
        String local = component.substring(component.lastIndexOf('.') + 1);
        return wanted.equals(local) || wanted.equals(local.substring(local.lastIndexOf('$') + 1));
    }

    @Override
    public String toString() {
        if (parameters == null) {
            return name.toString();
        }
        StringBuilder text = new StringBuilder(name.toString()).append('(').append(String.join(",", parameters));
        if (anyRest) {
            text.append(parameters.isEmpty() ? ".." : ",..");
        }
        return text.append(')').toString();
    }
}
