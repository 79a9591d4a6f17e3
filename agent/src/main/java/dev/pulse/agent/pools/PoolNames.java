package dev.pulse.agent.pools;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Label values for pools and executors: readable, stable for the pool's life, and unique among
 * the live ones (a second "delivery" is "delivery#2").
 */
final class PoolNames {

    /** "delivery-3", "prometheus-http-1-2", "worker_12": the digits a thread factory counts with. */
    private static final Pattern COUNTER = Pattern.compile("[-_ #.:]*\\d+$");
    /**
     * "req-3f2a9c1e-...": a UUID, or a hexadecimal id with both digits and letters ("a1",
     * "02db6fea"), after a separator: an id that differs per thread or per run, not a name.
     */
    private static final Pattern ID = Pattern.compile("[-_ #.:]+(?:\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}"
            + "-\\p{XDigit}{4}-\\p{XDigit}{12}|(?=\\p{XDigit}*\\d)(?=\\p{XDigit}*[a-fA-F])\\p{XDigit}+)$");
    /** Names of the JDK's default thread factories, which say nothing of the pool. */
    private static final Pattern GENERIC = Pattern.compile("pool-\\d+-thread|Thread|ForkJoinPool-\\d+-worker"
            + "|ForkJoinPool\\.commonPool-worker|");
    private static final Pattern URL_SECRETS = Pattern.compile("//[^/@]*@");

    private final Set<String> taken = new HashSet<>();

    /**
     * The name without the counters and ids its thread factory appended ("delivery-3",
     * "req-3f2a9c1e-77b0-4c1e-9d51-0a8f2d6b4e11" and "loader-a1" give "delivery", "req" and
     * "loader"), or null when it names no pool.
     */
    static String threadPrefix(String threadName) {
        String prefix = threadName;
        for (String shorter = strip(prefix); !shorter.equals(prefix); shorter = strip(prefix)) {
            prefix = shorter;
        }
        prefix = prefix.trim();
        return GENERIC.matcher(prefix).matches() ? null : prefix;
    }

    private static String strip(String name) {
        String shorter = ID.matcher(name).replaceFirst("");
        return shorter.equals(name) ? COUNTER.matcher(name).replaceFirst("") : shorter;
    }

    /** A JDBC URL without what may be secret: user info, and the parameters after ; or ?. */
    static String urlName(String url) {
        if (url == null || url.isEmpty()) {
            return null;
        }
        String name = url;
        for (char separator : new char[] {';', '?'}) {
            int at = name.indexOf(separator);
            if (at >= 0) {
                name = name.substring(0, at);
            }
        }
        return URL_SECRETS.matcher(name).replaceFirst("//");
    }

    /** Takes {@code wanted}, or the first of wanted#2, wanted#3, ... no live pool has. */
    synchronized String claim(String wanted) {
        String candidate = wanted;
        for (int n = 2; !taken.add(candidate); n++) {
            candidate = wanted + "#" + n;
        }
        return candidate;
    }

    /** The pool named {@code name} is gone; its name may be claimed again. */
    synchronized void release(String name) {
        taken.remove(name);
    }
}
