package dev.pulse.agent.weave;

import dev.pulse.agent.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The agent's only registered transformer, written without Byte Buddy so that premain can
 * register it at once. Until the Byte Buddy transformer is built (on the weaver thread), a class
 * whose name must be woven as it loads waits for it; every other class loads as it is, and the
 * weaver retransforms those it wants afterwards. Once built, every class goes through it.
 */
final class ClassNameGate implements ClassFileTransformer {

    /** How long a class waits for the weaver before it loads unwoven (and is retransformed later). */
    static final Duration WAIT = Duration.ofSeconds(30);

    private final Duration wait;
    private final Set<String> exactNames;
    private final String[] wildcardNames;
    private final CountDownLatch opened = new CountDownLatch(1);
    private volatile boolean open;
    private volatile ClassFileTransformer delegate;
    private volatile Thread weaver;

    /**
     * {@code classNames}: binary class names ({@code com.acme.Outer$Inner}), where {@code *}
     * stands for any characters but a dot.
     */
    ClassNameGate(List<String> classNames, Duration wait) {
        this.wait = wait;
        Set<String> exact = new HashSet<>();
        List<String> wildcards = new ArrayList<>();
        for (String name : classNames) {
            String internal = name.replace('.', '/');
            if (internal.indexOf('*') < 0) {
                exact.add(internal);
            } else {
                wildcards.add(internal);
            }
        }
        this.exactNames = Set.copyOf(exact);
        this.wildcardNames = wildcards.toArray(new String[0]);
    }

    /** The thread that builds the delegate: its own class loads never wait. */
    void weaverThread(Thread thread) {
        this.weaver = thread;
    }

    /** Lets every waiting and later class through {@code transformer}, or unwoven when it is null. */
    void open(ClassFileTransformer transformer) {
        delegate = transformer;
        open = true;
        opened.countDown();
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> classBeingRedefined,
            ProtectionDomain domain, byte[] classFile) {
        try {
            if (!open) {
                if (classBeingRedefined != null || internalName == null || !mustWait(internalName)
                        || Thread.currentThread() == weaver || !awaitOpen(internalName)) {
                    return null;
                }
            }
            ClassFileTransformer transformer = delegate;
            return transformer == null ? null
                    : transformer.transform(module, loader, internalName, classBeingRedefined, domain, classFile);
        } catch (Throwable t) {
            // The delegate reports its own errors; this is the gate's last line, never the host's.
            return null;
        }
    }

    boolean mustWait(String internalName) {
        if (exactNames.contains(internalName)) {
            return true;
        }
        for (String pattern : wildcardNames) {
            if (matches(pattern, 0, internalName, 0)) {
                return true;
            }
        }
        return false;
    }

    private boolean awaitOpen(String internalName) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (true) {
                try {
                    if (opened.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                        return true;
                    }
                    AgentLog.warn(internalName.replace('/', '.') + " loaded before the weaver was ready (waited "
                            + wait.toSeconds() + " s); it is woven later, and what it did before is not seen");
                    return false;
                } catch (InterruptedException e) {
                    // The host's interrupt is not ours to consume: keep waiting, restore it after.
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A {@code *} matches any characters but '/', as it matches any but '.' in a binary name. */
    static boolean matches(String pattern, int p, String name, int n) {
        while (p < pattern.length()) {
            char c = pattern.charAt(p);
            if (c == '*') {
                for (int end = n; ; end++) {
                    if (matches(pattern, p + 1, name, end)) {
                        return true;
                    }
                    if (end >= name.length() || name.charAt(end) == '/') {
                        return false;
                    }
                }
            }
            if (n >= name.length() || name.charAt(n) != c) {
                return false;
            }
            p++;
            n++;
        }
        return n == name.length();
    }
}
