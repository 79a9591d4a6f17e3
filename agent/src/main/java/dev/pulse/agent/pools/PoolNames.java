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
    /** Names of the JDK's default thread factories, which say nothing of the pool. */
    private static final Pattern GENERIC = Pattern.compile("pool-\\d+-thread|Thread|ForkJoinPool-\\d+-worker"
            + "|ForkJoinPool\\.commonPool-worker|");
    private static final Pattern URL_SECRETS = Pattern.compile("//[^/@]*@");

    private final Set<String> taken = new HashSet<>();

    /** The name without the counter its thread factory appended, or null when it names no pool. */
    static String threadPrefix(String threadName) {
        String prefix = threadName;
        for (String shorter = COUNTER.matcher(prefix).replaceFirst(""); !shorter.equals(prefix);
                shorter = COUNTER.matcher(prefix).replaceFirst("")) {
            prefix = shorter;
        }
        prefix = prefix.trim();
        return GENERIC.matcher(prefix).matches() ? null : prefix;
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
