package dev.pulse.agent.config;

/**
 * Which classes a timer applies to: an exact name, a name with {@code *} wildcards, or
 * {@code Name+} for the named type and every class that extends or implements it.
 */
public final class TypePattern {

    private final NamePattern name;
    private final boolean subtypes;

    TypePattern(NamePattern name, boolean subtypes) {
        this.name = name;
        this.subtypes = subtypes;
    }

    public NamePattern name() {
        return name;
    }

    /** True for {@code Name+}: the named type and all its subtypes and implementations. */
    public boolean subtypes() {
        return subtypes;
    }

    @Override
    public String toString() {
        return subtypes ? name + "+" : name.toString();
    }
}
