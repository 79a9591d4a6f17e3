package dev.pulse.it.apps;

public final class SmsWorker implements Worker {

    private int sent;

    @Override
    public int processOne() {
        return ++sent;
    }
}
