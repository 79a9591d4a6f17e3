package dev.pulse.it.apps;

public final class EmailWorker implements Worker {

    private int sent;

    @Override
    public int processOne() {
        return ++sent;
    }
}
