package dev.pulse.agent.config;

/** {@code pulse.queue.<name>=<class>#<field>}: a static or instance field to sample. */
public final class QueueConfig {

    private final String name;
    private final String className;
    private final String field;

    QueueConfig(String name, String className, String field) {
        this.name = name;
        this.className = className;
        this.field = field;
    }

    public String name() {
        return name;
    }

    public String className() {
        return className;
    }

    public String field() {
        return field;
    }

    @Override
    public String toString() {
        return name + "=" + className + "#" + field;
    }
}
