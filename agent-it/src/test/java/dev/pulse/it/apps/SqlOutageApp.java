package dev.pulse.it.apps;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A PostgreSQL-backed job worker: it creates its jobs table, then after a second of start-up work
 * its HikariCP pool {@code runs-db} (connectionTimeout 30 s, HikariCP's default), then its
 * {@code JOBS} queue changes size every 100 ms, as long as it runs, whatever the database does.
 *
 * <p>Argument: the JDBC URL.
 */
public final class SqlOutageApp {

    static final Queue<Integer> JOBS = new ConcurrentLinkedQueue<>();

    public static void main(String[] args) throws Exception {
        try (Connection connection = DriverManager.getConnection(args[0], "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS jobs(id SERIAL PRIMARY KEY, status TEXT NOT NULL,"
                    + " queued_at TIMESTAMPTZ NOT NULL DEFAULT now())");
            statement.execute("INSERT INTO jobs(status) VALUES ('ready'), ('ready'), ('running')");
        }
        Thread.sleep(1000);
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(args[0]);
        pool.setUsername("postgres");
        pool.setPoolName("runs-db");
        pool.setMaximumPoolSize(20);
        pool.setConnectionTimeout(30_000);
        pool.getConnection().close();
        System.out.println("app: pool started");
        for (int job = 0; ; job++) {
            JOBS.add(job);
            if (JOBS.size() > 40) {
                JOBS.clear();
            }
            Thread.sleep(100);
        }
    }
}
