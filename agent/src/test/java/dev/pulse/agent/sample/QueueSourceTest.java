package dev.pulse.agent.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.lang.reflect.Constructor;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class QueueSourceTest {

    private final List<String> errors = new ArrayList<>();
    private final SampleTask.Errors recorder = (source, message) -> errors.add(source + ": " + message);

    @Test
    void instanceFieldsOfSeveralHoldersAreSummed() {
        QueueSource source = new QueueSource("jobs", "jobs");
        Queue<String> one = new ArrayBlockingQueue<>(10);
        Queue<String> two = new ArrayBlockingQueue<>(5);
        one.add("a");
        one.add("b");
        two.add("c");
        Holder first = new Holder(one);
        Holder second = new Holder(two);
        source.track(first);
        source.track(second);
        source.track(first); // a constructor chain reports the same object twice
        source.run(recorder);
        assertEquals(3, source.last().depth);
        assertTrue(source.last().bounded);
        assertEquals(15, source.last().capacity);
        assertTrue(errors.isEmpty(), errors::toString);
    }

    @Test
    void staticFieldsAreReadFromTheClass() {
        QueueSource source = new QueueSource("outbox", "OUTBOX");
        StaticHolder.OUTBOX.clear();
        StaticHolder.OUTBOX.add("x");
        source.track(StaticHolder.class);
        source.run(recorder);
        assertEquals(1, source.last().depth);
        assertFalse(source.last().bounded);
    }

    @Test
    void nothingIsReportedBeforeAHolderIsSeen() {
        QueueSource source = new QueueSource("jobs", "jobs");
        source.run(recorder);
        assertNull(source.last());
    }

    @Test
    void mapsAndObjectsWithSizeWork() {
        QueueSource maps = new QueueSource("m", "jobs");
        Map<String, String> map = new HashMap<>();
        map.put("a", "b");
        maps.track(new Holder(map));
        maps.run(recorder);
        assertEquals(1, maps.last().depth);

        QueueSource custom = new QueueSource("c", "jobs");
        custom.track(new Holder(new Sized(7L)));
        custom.run(recorder);
        assertEquals(7, custom.last().depth);
        assertTrue(errors.isEmpty(), errors::toString);
    }

    @Test
    void unboundedBlockingQueueHasNoCapacity() {
        QueueSource source = new QueueSource("jobs", "jobs");
        source.track(new Holder(new LinkedBlockingQueue<>()));
        source.run(recorder);
        assertFalse(source.last().bounded);
    }

    @Test
    void badSizesAreErrorsNotExceptions() {
        QueueSource source = new QueueSource("bad", "jobs");
        source.track(new Holder(new Sized(-3L)));
        source.track(new Holder(new Throwing()));
        source.track(new Holder("not a queue"));
        Queue<String> good = new ArrayBlockingQueue<>(4);
        good.add("x");
        source.track(new Holder(good));
        source.run(recorder);
        assertEquals(1, source.last().depth);
        assertEquals(List.of(
                "queue:bad: size() returned -3",
                "queue:bad: size() threw java.lang.IllegalStateException: broken",
                "queue:bad: jobs holds a java.lang.String, expected a Collection, a Map or an object with an int or"
                        + " long size()"), errors);
    }

    @Test
    void aQueueThatCannotBeReadHasNoDepth() {
        QueueSource source = new QueueSource("bad", "jobs");
        source.track(new Holder(new Throwing()));
        source.run(recorder);
        assertNull(source.last(), "no false 0");
    }

    @Test
    void missingFieldIsAnError() {
        QueueSource source = new QueueSource("jobs", "nope");
        source.track(new Holder(new ArrayList<>()));
        source.run(recorder);
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).startsWith("queue:jobs: cannot read field nope: java.lang.NoSuchFieldException"),
                errors::toString);
    }

    @Test
    void holdersAreHeldWeakly() throws InterruptedException {
        QueueSource source = new QueueSource("jobs", "jobs");
        Holder holder = new Holder(new ArrayList<>());
        WeakReference<Holder> reference = new WeakReference<>(holder);
        source.track(holder);
        holder = null;
        for (int i = 0; i < 50 && reference.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(reference.get(), "the sampler must not keep a holder alive");
        source.run(recorder);
        assertNull(source.last());
    }

    @Test
    void aReadHolderLeavesItsClassLoaderCollectable() throws Exception {
        QueueSource source = new QueueSource("jobs", "jobs");
        WeakReference<ClassLoader> loader = readInOwnLoader(source);
        for (int i = 0; i < 100 && loader.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(loader.get(), "the field and size() found on a holder's class must not keep its loader alive");
    }

    /** A Holder and a Sized of a loader of their own, read once (field and size() looked up), then dropped. */
    private WeakReference<ClassLoader> readInOwnLoader(QueueSource source) throws Exception {
        URL classes = QueueSourceTest.class.getProtectionDomain().getCodeSource().getLocation();
        URLClassLoader own = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader());
        Constructor<?> sized = own.loadClass(Sized.class.getName()).getDeclaredConstructor(long.class);
        sized.setAccessible(true);
        Constructor<?> holder = own.loadClass(Holder.class.getName()).getDeclaredConstructor(Object.class);
        holder.setAccessible(true);
        Object instance = holder.newInstance(sized.newInstance(5L));
        assertEquals(own, instance.getClass().getClassLoader());
        source.track(instance);
        source.run(recorder);
        assertEquals(5, source.last().depth);
        assertTrue(errors.isEmpty(), errors::toString);
        own.close();
        return new WeakReference<>(own);
    }

    @Test
    void aClassLoadedButNotInitializedIsNeverInitializedByTheSampler() throws Exception {
        QueueSource source = new QueueSource("lazy", "QUEUE");
        Class<?> lazy = Class.forName(LazyHolder.class.getName(), false, getClass().getClassLoader());
        source.trackLoaded(lazy);
        source.run(recorder);
        assertEquals(0, LAZY_INITIALIZED.get(), "the sampler ran the static initializer");
        assertNull(source.last(), "no depth before the class is initialized");
        LazyHolder.QUEUE.add("x");
        assertEquals(1, LAZY_INITIALIZED.get());
        source.track(lazy); // as the woven static initializer reports it
        source.run(recorder);
        assertEquals(1, source.last().depth);
        assertTrue(errors.isEmpty(), errors::toString);
    }

    @Test
    void aClassLoadedBeforeTheAgentWithAnInstanceFieldIsNoHolder() {
        QueueSource source = new QueueSource("jobs", "jobs");
        source.trackLoaded(Holder.class);
        source.run(recorder);
        assertNull(source.last());
        assertTrue(errors.isEmpty(), errors::toString);
    }

    /** Counts LazyHolder's initializations: outside it, since reading it must not initialize it. */
    static final AtomicInteger LAZY_INITIALIZED = new AtomicInteger();

    static final class LazyHolder {
        static final Queue<String> QUEUE = new ConcurrentLinkedQueue<>();

        static {
            LAZY_INITIALIZED.incrementAndGet();
        }
    }

    static final class Holder {
        final Object jobs;

        Holder(Object jobs) {
            this.jobs = jobs;
        }
    }

    @SuppressWarnings("unused")
    static final class StaticHolder {
        static final Queue<String> OUTBOX = new ConcurrentLinkedQueue<>();
    }

    public static final class Sized {
        private final long size;

        Sized(long size) {
            this.size = size;
        }

        public long size() {
            return size;
        }
    }

    public static final class Throwing {
        public int size() {
            throw new IllegalStateException("broken");
        }
    }
}
