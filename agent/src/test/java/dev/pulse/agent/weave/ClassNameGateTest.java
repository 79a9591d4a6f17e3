package dev.pulse.agent.weave;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClassNameGateTest {

    private static final byte[] ORIGINAL = {1};
    private static final byte[] WOVEN = {2};
    /** A delegate that weaves every class it is given. */
    private static final ClassFileTransformer WEAVE_ALL = new ClassFileTransformer() {
        @Override
        public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain,
                byte[] classFile) {
            return WOVEN;
        }
    };

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
        "com.acme.Worker, com/acme/Worker, true",
        "com.acme.Worker, com/acme/Worker2, false",
        "com.acme.Worker, com/acme/Worke, false",
        "com.acme.*Worker, com/acme/JobWorker, true",
        "com.acme.*Worker, com/acme/Worker, true",
        "com.acme.*Worker, com/acme/sub/JobWorker, false",
        "com.acme.*Worker, com/acme/JobWorkers, false",
        "com.acme.*, com/acme/Anything, true",
        "com.acme.*, com/acme/sub/Anything, false",
        "com.*.Worker, com/acme/Worker, true",
        "com.acme.Job$Inner, com/acme/Job$Inner, true",
        "dev.pulse.bench.*Main$Eval*, dev/pulse/bench/StartupMain$Evaluator, true",
        "dev.pulse.bench.*Main$Eval*, dev/pulse/bench/StartupMain$Dispatcher, false",
        "*Worker*, com/acme/Worker, false",
        "*.*.*Worker*, com/acme/JobWorkerImpl, true",
    })
    void namesMatchAsTheirNamePatternDoesOnTheJvmsInternalName(String pattern, String internalName,
            boolean matches) {
        assertEquals(matches, new ClassNameGate(List.of(pattern), Duration.ZERO).mustWait(internalName));
    }

    @Test
    void beforeItOpensOtherClassesLoadUnwovenAndWithoutWaiting() {
        ClassNameGate gate = new ClassNameGate(List.of("com.acme.Worker"), Duration.ofMinutes(1));
        assertNull(load(gate, "com/acme/Other"));
        gate.open(WEAVE_ALL);
        assertArrayEquals(WOVEN, load(gate, "com/acme/Other"));
    }

    @Test
    void aNamedClassWaitsUntilTheGateOpensAndIsThenWovenByTheDelegate() throws Exception {
        ClassNameGate gate = new ClassNameGate(List.of("com.acme.Worker"), Duration.ofMinutes(1));
        CompletableFuture<byte[]> loading = CompletableFuture.supplyAsync(() -> load(gate, "com/acme/Worker"));
        Thread.sleep(100);
        assertEquals(false, loading.isDone());
        gate.open(WEAVE_ALL);
        assertArrayEquals(WOVEN, loading.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aNamedClassLoadsUnwovenWhenTheWaitRunsOutOrWeavingFailed() {
        ClassNameGate gate = new ClassNameGate(List.of("com.acme.Worker"), Duration.ofMillis(50));
        assertNull(load(gate, "com/acme/Worker"));
        gate.open(null);
        assertNull(load(gate, "com/acme/Worker"));
    }

    @Test
    void theWeaverThreadsOwnClassLoadsNeverWait() {
        ClassNameGate gate = new ClassNameGate(List.of("com.acme.Worker"), Duration.ofMinutes(1));
        gate.weaverThread(Thread.currentThread());
        long start = System.nanoTime();
        assertNull(load(gate, "com/acme/Worker"));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
    }

    @Test
    void aWaitingThreadKeepsItsInterrupt() throws Exception {
        ClassNameGate gate = new ClassNameGate(List.of("com.acme.Worker"), Duration.ofMinutes(1));
        AtomicReference<Boolean> interrupted = new AtomicReference<>();
        Thread loader = new Thread(() -> {
            load(gate, "com/acme/Worker");
            interrupted.set(Thread.currentThread().isInterrupted());
        });
        loader.start();
        Thread.sleep(100);
        loader.interrupt();
        Thread.sleep(100);
        gate.open(WEAVE_ALL);
        loader.join(10_000);
        assertEquals(Boolean.TRUE, interrupted.get());
    }

    @Test
    void aFailingDelegateNeverThrowsIntoTheLoadingClass() {
        ClassNameGate gate = new ClassNameGate(List.of(), Duration.ZERO);
        gate.open(new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain,
                    byte[] classFile) {
                throw new IllegalStateException("boom");
            }
        });
        assertNull(load(gate, "com/acme/Worker"));
    }

    private static byte[] load(ClassNameGate gate, String internalName) {
        return gate.transform(null, null, internalName, null, null, ORIGINAL);
    }
}
