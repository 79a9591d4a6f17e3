package dev.pulse.it.isolated;

import java.util.function.LongUnaryOperator;

/** A timed method; the test app loads this class through its own kind of class loader. */
public final class ModuleWork implements LongUnaryOperator {

    @Override
    public long applyAsLong(long value) {
        return value * 31 + 7;
    }
}
