package dev.pulse.it.apps;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * A service the agent is attached to late: a HikariCP pool "runs-db" and a DBCP2 pool, both
 * started, and a {@link LateHolder} with 3 items, all made before the attach. It then uses its
 * pools every 50 ms; once the file named by the first argument appears it makes a second
 * LateHolder, with 4 items.
 *
 * <p>Arguments: the go file, then the folder with one sub-folder of jars per pool library.
 */
public final class LateAttachApp {

    public static void main(String[] args) throws Exception {
        Path go = Paths.get(args[0]);
        Path libs = Paths.get(args[1]);
        ClassLoader hikari = PoolsApp.loader(libs, "hikari5");
        Class<?> configType = hikari.loadClass("com.zaxxer.hikari.HikariConfig");
        Object config = configType.getConstructor().newInstance();
        PoolsApp.set(config, "setJdbcUrl", "jdbc:h2:mem:runs;DB_CLOSE_DELAY=-1");
        PoolsApp.set(config, "setPoolName", "runs-db");
        PoolsApp.set(config, "setMinimumIdle", 1);
        DataSource runs = (DataSource) hikari.loadClass("com.zaxxer.hikari.HikariDataSource")
                .getConstructor(configType).newInstance(config);
        Object dbcp2 = PoolsApp.loader(libs, "dbcp2").loadClass("org.apache.commons.dbcp2.BasicDataSource")
                .getConstructor().newInstance();
        PoolsApp.set(dbcp2, "setUrl", "jdbc:h2:mem:late_dbcp2;DB_CLOSE_DELAY=-1");
        List<DataSource> pools = List.of(runs, (DataSource) dbcp2);
        for (DataSource pool : pools) {
            pool.getConnection().close();
        }
        List<LateHolder> holders = new ArrayList<>(List.of(new LateHolder(3)));
        System.out.println("app: ready");
        long end = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < end) {
            for (DataSource pool : pools) {
                pool.getConnection().close();
            }
            if (holders.size() == 1 && Files.exists(go)) {
                holders.add(new LateHolder(4));
                System.out.println("app: a holder made after the attach");
            }
            Thread.sleep(50);
        }
        Method close = dbcp2.getClass().getMethod("close");
        close.invoke(dbcp2);
        System.out.println("app: done " + holders.size());
    }
}
