package dev.pulse.it.apps;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * A jobs table in an in-memory H2 database with known rows: 3 ready, 1 running, 5 done. After
 * "app: phase 1" and five seconds (time to sample phase 1 on a loaded machine), two ready jobs are done: "app: phase 2".
 */
public final class SqlApp {

    public static void main(String[] args) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:jobs;DB_CLOSE_DELAY=-1");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE jobs(id INT PRIMARY KEY, status VARCHAR(16), queued_at TIMESTAMP)");
            statement.execute("INSERT INTO jobs VALUES (1, 'ready', LOCALTIMESTAMP - INTERVAL '90' SECOND),"
                    + " (2, 'ready', LOCALTIMESTAMP), (3, 'ready', LOCALTIMESTAMP), (4, 'running', LOCALTIMESTAMP),"
                    + " (5, 'done', LOCALTIMESTAMP), (6, 'done', LOCALTIMESTAMP), (7, 'done', LOCALTIMESTAMP),"
                    + " (8, 'done', LOCALTIMESTAMP), (9, 'done', LOCALTIMESTAMP)");
            System.out.println("app: phase 1");
            Thread.sleep(5000);
            statement.execute("UPDATE jobs SET status = 'done' WHERE id IN (1, 2)");
            System.out.println("app: phase 2");
            Thread.sleep(120_000);
        }
    }
}
