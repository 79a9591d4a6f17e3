package dev.pulse.it.apps.shapes;

/** Abstract and native methods, for a wildcard timer to skip. */
public abstract class Shape {

    protected Shape() {
    }

    public abstract double area();

    /** Never called: declared only to be matched by a wildcard. */
    public native double nativeArea();

    public String describe() {
        return getClass().getSimpleName() + " of area " + area();
    }
}
