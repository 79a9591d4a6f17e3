package dev.pulse.it.apps.shapes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/** A bridge method (compareTo(Object)), lambdas and constructors, for a wildcard timer. */
public final class Square extends Shape implements Comparable<Square> {

    private final double side;

    public Square(double side) {
        this.side = side;
    }

    public Square() {
        this(0.5);
    }

    @Override
    public double area() {
        return side * side;
    }

    @Override
    public int compareTo(Square other) {
        return Double.compare(side, other.side);
    }

    /** Sorts through lambdas, whose bodies are synthetic methods of this class. */
    public static List<Square> sorted(List<Square> squares) {
        Supplier<List<Square>> copy = () -> new ArrayList<>(squares);
        List<Square> result = copy.get();
        result.sort(Comparator.comparingDouble(square -> square.side));
        return result;
    }
}
