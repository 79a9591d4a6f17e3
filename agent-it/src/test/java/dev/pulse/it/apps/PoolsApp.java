package dev.pulse.it.apps;

import java.io.File;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Connection pools of four kinds, each library in its own child class loader (as in an
 * application server), on H2 from the application's class path, plus thread pools of known
 * shapes. Each pool holds two connections. When the file named by the first argument appears,
 * the DBCP2 pool, its class loader and the "audit" executor are dropped, and the app reports
 * whether the garbage collector could take them.
 *
 * <p>Arguments: the go file, then the folder with one sub-folder of jars per pool library.
 */
public final class PoolsApp {

    private static final List<Connection> HELD = new ArrayList<>();
    private static final CountDownLatch RELEASE = new CountDownLatch(1);

    public static void main(String[] args) throws Exception {
        Path go = Paths.get(args[0]);
        Path libs = Paths.get(args[1]);

        DataSource orders = hikari(loader(libs, "hikari5"), "jdbc:h2:mem:orders", "orders-db", 4);
        URLClassLoader dbcp2Loader = loader(libs, "dbcp2");
        DataSource legacy = dbcp2(dbcp2Loader, "jdbc:h2:mem:legacy;DB_CLOSE_DELAY=-1", 5);
        DataSource billing = tomcat(loader(libs, "tomcat"), "jdbc:h2:mem:billing", "billing-db", 6);
        DataSource reports = c3p0(loader(libs, "c3p0"), "jdbc:h2:mem:reports", "reports-db", 7);
        Object lazy = lazyHikari(loader(libs, "hikari5"), "lazy-db");
        for (DataSource pool : List.of(orders, legacy, billing, reports)) {
            HELD.add(pool.getConnection());
            HELD.add(pool.getConnection());
        }
        try (Connection third = orders.getConnection(); Connection fourth = orders.getConnection()) {
            orders.getConnection().close();
            System.out.println("app: a fifth connection of four?");
        } catch (java.sql.SQLException expected) {
            System.out.println("app: orders-db timed out: " + expected.getClass().getSimpleName());
        }

        ThreadPoolExecutor workers = new ThreadPoolExecutor(2, 3, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(1),
                named("reports-"), new ThreadPoolExecutor.AbortPolicy());
        for (int i = 0; i < 5; i++) {
            try {
                workers.execute(PoolsApp::block);
            } catch (RejectedExecutionException expected) {
                System.out.println("app: rejected task " + (i + 1));
            }
        }
        ScheduledThreadPoolExecutor ticker = new ScheduledThreadPoolExecutor(1, named("ticker-"));
        ticker.scheduleAtFixedRate(() -> { }, 0, 50, TimeUnit.MILLISECONDS);
        ForkJoinPool crawler = new ForkJoinPool(3);
        crawler.execute(PoolsApp::block);
        ExecutorService audit = startAudit();

        System.out.println("app: pools ready");
        while (!Files.exists(go)) {
            Thread.sleep(20);
        }

        for (Connection connection : new ArrayList<>(HELD)) {
            if (connection.getMetaData().getURL().contains("legacy")) {
                connection.close();
                HELD.remove(connection);
            }
        }
        legacy.getClass().getMethod("close").invoke(legacy);
        dbcp2Loader.close();
        audit.shutdown();
        audit.awaitTermination(10, TimeUnit.SECONDS);
        WeakReference<Object> pool = new WeakReference<>(legacy);
        WeakReference<Object> loader = new WeakReference<>(dbcp2Loader);
        WeakReference<Object> executor = new WeakReference<>(audit);
        legacy = null;
        dbcp2Loader = null;
        audit = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while ((pool.get() != null || loader.get() != null || executor.get() != null) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        System.out.println("app: collected pool=" + (pool.get() == null) + " loader=" + (loader.get() == null)
                + " executor=" + (executor.get() == null));
        System.out.println("app: still here " + orders + billing + reports + lazy + workers + ticker + crawler);
        Thread.sleep(120_000);
        RELEASE.countDown();
    }

    /** A fixed pool with the JDK's default thread names: named after where it is made. */
    private static ExecutorService startAudit() throws Exception {
        ExecutorService audit = Executors.newFixedThreadPool(1);
        audit.submit(() -> { }).get();
        return audit;
    }

    private static void block() {
        try {
            RELEASE.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static ThreadFactory named(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    static URLClassLoader loader(Path libs, String kind) throws Exception {
        List<URL> jars = new ArrayList<>();
        File[] files = libs.resolve(kind).toFile().listFiles();
        for (File jar : files) {
            jars.add(jar.toURI().toURL());
        }
        return new URLClassLoader(jars.toArray(new URL[0]), PoolsApp.class.getClassLoader());
    }

    private static DataSource hikari(ClassLoader loader, String url, String name, int max) throws Exception {
        Class<?> configType = loader.loadClass("com.zaxxer.hikari.HikariConfig");
        Object config = configType.getConstructor().newInstance();
        set(config, "setJdbcUrl", url + ";DB_CLOSE_DELAY=-1");
        set(config, "setPoolName", name);
        set(config, "setMaximumPoolSize", max);
        set(config, "setMinimumIdle", 2);
        set(config, "setConnectionTimeout", 250L);
        return (DataSource) loader.loadClass("com.zaxxer.hikari.HikariDataSource").getConstructor(configType)
                .newInstance(config);
    }

    /** A pool the application made but has not used: it has not started. */
    private static Object lazyHikari(ClassLoader loader, String name) throws Exception {
        Object pool = loader.loadClass("com.zaxxer.hikari.HikariDataSource").getConstructor().newInstance();
        set(pool, "setJdbcUrl", "jdbc:h2:mem:lazy");
        set(pool, "setPoolName", name);
        return pool;
    }

    private static DataSource dbcp2(ClassLoader loader, String url, int max) throws Exception {
        Object pool = loader.loadClass("org.apache.commons.dbcp2.BasicDataSource").getConstructor().newInstance();
        set(pool, "setUrl", url);
        set(pool, "setMaxTotal", max);
        return (DataSource) pool;
    }

    private static DataSource tomcat(ClassLoader loader, String url, String name, int max) throws Exception {
        Object pool = loader.loadClass("org.apache.tomcat.jdbc.pool.DataSource").getConstructor().newInstance();
        set(pool, "setUrl", url + ";DB_CLOSE_DELAY=-1");
        set(pool, "setDriverClassName", "org.h2.Driver");
        set(pool, "setName", name);
        set(pool, "setMaxActive", max);
        set(pool, "setInitialSize", 2);
        set(pool, "setMaxIdle", max);
        set(pool, "setMinIdle", 2);
        return (DataSource) pool;
    }

    private static DataSource c3p0(ClassLoader loader, String url, String name, int max) throws Exception {
        Object pool = loader.loadClass("com.mchange.v2.c3p0.ComboPooledDataSource").getConstructor().newInstance();
        set(pool, "setJdbcUrl", url + ";DB_CLOSE_DELAY=-1");
        set(pool, "setDataSourceName", name);
        set(pool, "setMaxPoolSize", max);
        set(pool, "setMinPoolSize", 2);
        set(pool, "setInitialPoolSize", 2);
        return (DataSource) pool;
    }

    static void set(Object target, String setter, Object value) throws Exception {
        for (Method method : target.getClass().getMethods()) {
            if (method.getName().equals(setter) && method.getParameterCount() == 1) {
                Class<?> type = method.getParameterTypes()[0];
                boolean matches = value instanceof Long ? type == long.class
                        : value instanceof Integer ? type == int.class : type.isInstance(value);
                if (matches) {
                    method.invoke(target, value);
                    return;
                }
            }
        }
        throw new NoSuchMethodException(target.getClass().getName() + "." + setter);
    }
}
