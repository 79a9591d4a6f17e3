package dev.pulse.it.apps;

import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * The life of a pool, as services live it. First, one pool of each kind (HikariCP 5 and 7, DBCP2,
 * Tomcat JDBC, c3p0, each in its own class loader) is made and configured, and left unused for
 * two seconds while SQL gauges name it; then the application finishes configuring it (HikariCP's
 * setPoolName) and starts it itself. A HikariCP pool without a gauge is named only then. Then a
 * pool is closed and rebuilt under the same name, and the closed one collected; so is an executor.
 *
 * <p>Arguments: the folder with one sub-folder of jars per pool library.
 */
public final class PoolLifeApp {

    private static final CountDownLatch NEVER = new CountDownLatch(1);

    public static void main(String[] args) throws Exception {
        Path libs = Paths.get(args[0]);
        Map<String, Object> pools = new LinkedHashMap<>();
        for (String kind : List.of("hikari5", "hikari7")) {
            Object pool = PoolsApp.loader(libs, kind).loadClass("com.zaxxer.hikari.HikariDataSource")
                    .getConstructor().newInstance();
            PoolsApp.set(pool, "setJdbcUrl", "jdbc:h2:mem:" + kind + ";DB_CLOSE_DELAY=-1");
            pools.put(kind, pool);
        }
        Object dbcp2 = PoolsApp.loader(libs, "dbcp2").loadClass("org.apache.commons.dbcp2.BasicDataSource")
                .getConstructor().newInstance();
        PoolsApp.set(dbcp2, "setUrl", "jdbc:h2:mem:dbcp2;DB_CLOSE_DELAY=-1");
        pools.put("dbcp2", dbcp2);
        Object tomcat = PoolsApp.loader(libs, "tomcat").loadClass("org.apache.tomcat.jdbc.pool.DataSource")
                .getConstructor().newInstance();
        PoolsApp.set(tomcat, "setUrl", "jdbc:h2:mem:tomcat;DB_CLOSE_DELAY=-1");
        PoolsApp.set(tomcat, "setDriverClassName", "org.h2.Driver");
        PoolsApp.set(tomcat, "setName", "tomcat-db");
        pools.put("tomcat", tomcat);
        Object c3p0 = PoolsApp.loader(libs, "c3p0").loadClass("com.mchange.v2.c3p0.ComboPooledDataSource")
                .getConstructor().newInstance();
        PoolsApp.set(c3p0, "setJdbcUrl", "jdbc:h2:mem:c3p0;DB_CLOSE_DELAY=-1");
        PoolsApp.set(c3p0, "setDataSourceName", "c3p0-db");
        pools.put("c3p0", c3p0);
        ClassLoader hikari5 = PoolsApp.loader(libs, "hikari5");
        Object late = hikari5.loadClass("com.zaxxer.hikari.HikariDataSource").getConstructor().newInstance();
        PoolsApp.set(late, "setJdbcUrl", "jdbc:h2:mem:late;DB_CLOSE_DELAY=-1");

        Thread.sleep(2000);
        for (Map.Entry<String, Object> pool : pools.entrySet()) {
            System.out.println("app: " + pool.getKey() + " started before the application started it: "
                    + started(pool.getKey(), pool.getValue()));
        }
        List<Connection> held = new ArrayList<>();
        for (Map.Entry<String, Object> pool : pools.entrySet()) {
            try {
                if (pool.getKey().startsWith("hikari")) {
                    PoolsApp.set(pool.getValue(), "setPoolName", pool.getKey() + "-db");
                }
                held.add(((DataSource) pool.getValue()).getConnection());
                System.out.println("app: " + pool.getKey() + " configured and started");
            } catch (Exception e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                System.out.println("app: " + pool.getKey() + " failed: " + cause);
            }
        }
        PoolsApp.set(late, "setPoolName", "late-db");
        held.add(((DataSource) late).getConnection());
        System.out.println("app: pools started");

        Object first = hikari(hikari5, "shop-db");
        ((DataSource) first).getConnection().close();
        first.getClass().getMethod("close").invoke(first);
        Object rebuilt = hikari(hikari5, "shop-db");
        ((DataSource) rebuilt).getConnection().close();
        ((DataSource) rebuilt).getConnection().close();

        ThreadPoolExecutor delivery = executor(2);
        delivery.execute(PoolLifeApp::block);
        delivery.shutdown();
        ThreadPoolExecutor redelivery = executor(4);
        redelivery.execute(() -> { });

        WeakReference<Object> closed = new WeakReference<>(first);
        first = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (closed.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        System.out.println("app: the closed shop-db collected: " + (closed.get() == null));
        System.out.println("app: ready");
        Thread.sleep(120_000);
        System.out.println("app: still here " + held + pools + late + rebuilt + delivery + redelivery);
    }

    /** Whether the pool has made its connection pool, read from the fields the library keeps it in. */
    private static boolean started(String kind, Object pool) throws Exception {
        String name = kind.equals("dbcp2") ? "connectionPool" : kind.equals("c3p0") ? "poolManager" : "pool";
        for (Class<?> type = pool.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField(name);
                field.setAccessible(true);
                return field.get(pool) != null;
            } catch (NoSuchFieldException e) {
                // look further up
            }
        }
        throw new NoSuchFieldException(pool.getClass().getName() + "." + name);
    }

    private static Object hikari(ClassLoader loader, String name) throws Exception {
        Class<?> configType = loader.loadClass("com.zaxxer.hikari.HikariConfig");
        Object config = configType.getConstructor().newInstance();
        PoolsApp.set(config, "setJdbcUrl", "jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1");
        PoolsApp.set(config, "setPoolName", name);
        PoolsApp.set(config, "setMinimumIdle", 1);
        return loader.loadClass("com.zaxxer.hikari.HikariDataSource").getConstructor(configType).newInstance(config);
    }

    private static ThreadPoolExecutor executor(int threads) {
        return new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(10),
                PoolsApp.named("delivery-"));
    }

    private static void block() {
        try {
            NEVER.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
