package dev.pulse.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads values out of a Prometheus text scrape. */
final class Scrape {

    private Scrape() {
    }

    /**
     * The value of the one sample named {@code name} whose labels include every
     * {@code label="value"} pair given; NaN when there is none.
     */
    static double value(String scrape, String name, String... labels) {
        List<Double> found = new ArrayList<>();
        for (String line : scrape.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            int close = line.lastIndexOf('}');
            String labelText = close < 0 ? "" : line.substring(name.length(), close + 1);
            boolean all = true;
            for (String label : labels) {
                all &= labelText.contains(label);
            }
            if (all) {
                String rest = line.substring(close < 0 ? name.length() : close + 1).trim();
                String number = rest.split("\\s+")[0].toLowerCase(Locale.ROOT);
                found.add(Double.parseDouble(number.replace("+inf", "Infinity").replace("nan", "NaN")));
            }
        }
        if (found.size() > 1) {
            throw new AssertionError(found.size() + " samples of " + name + " match " + List.of(labels));
        }
        return found.isEmpty() ? Double.NaN : found.get(0);
    }

    /** Sample lines (no comments) whose metric name starts with {@code prefix}. */
    static List<String> samples(String scrape, String prefix) {
        List<String> lines = new ArrayList<>();
        for (String line : scrape.split("\n")) {
            if (line.startsWith(prefix)) {
                lines.add(line);
            }
        }
        return lines;
    }
}
