package dev.pulse.demo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The jobs table in an in-memory H2 database, reached through a HikariCP pool.
 *
 * <p>A job moves {@code ready -> running -> done -> delivered}, or {@code running -> failed}.
 * Every method borrows a connection for one statement, the way a real service would, so the
 * pool's active and pending counts follow the load.
 */
final class JobStore implements AutoCloseable {

    static final String URL = "jdbc:h2:mem:jobs;DB_CLOSE_DELAY=-1";
    static final String POOL_NAME = "demo-db";

    static final String READY = "ready";
    static final String RUNNING = "running";
    static final String DONE = "done";
    static final String FAILED = "failed";
    static final String DELIVERED = "delivered";

    private static final String CREATE_TABLE = """
            CREATE TABLE IF NOT EXISTS jobs (
              id          BIGINT AUTO_INCREMENT PRIMARY KEY,
              kind        VARCHAR(32),
              payload     VARCHAR(255),
              status      VARCHAR(16) NOT NULL,
              queued_at   TIMESTAMP NOT NULL,
              run_at      TIMESTAMP,
              finished_at TIMESTAMP,
              attempts    INT DEFAULT 0
            )""";
    // The dispatcher asks for done jobs ten times a second.
    private static final String CREATE_STATUS_INDEX =
            "CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status)";

    private final HikariDataSource dataSource;

    JobStore(String jdbcUrl) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName(POOL_NAME);
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(2);
        config.setConnectionTimeout(2000);
        dataSource = new HikariDataSource(config);
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(CREATE_TABLE);
            statement.execute(CREATE_STATUS_INDEX);
        } catch (SQLException e) {
            dataSource.close();
            throw new JobStoreException("create table", e);
        }
    }

    /** Adds a ready job and returns it with its generated id. */
    Job insert(String kind, String payload) {
        String sql = "INSERT INTO jobs (kind, payload, status, queued_at) VALUES (?, ?, '" + READY
                + "', LOCALTIMESTAMP)";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, kind);
            insert.setString(2, payload);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return new Job(keys.getLong(1), kind, payload);
            }
        } catch (SQLException e) {
            throw new JobStoreException("insert " + kind + " job", e);
        }
    }

    void markRunning(long id) {
        move(id, READY, RUNNING, "run_at = LOCALTIMESTAMP, attempts = attempts + 1");
    }

    void markDone(long id) {
        move(id, RUNNING, DONE, "finished_at = LOCALTIMESTAMP");
    }

    void markFailed(long id) {
        move(id, RUNNING, FAILED, "finished_at = LOCALTIMESTAMP");
    }

    void markDelivered(long id) {
        move(id, DONE, DELIVERED, null);
    }

    /** The oldest done jobs, which are the ones still waiting to be delivered. */
    List<Job> findUndelivered(int limit) {
        String sql = "SELECT id, kind, payload FROM jobs WHERE status = '" + DONE + "' ORDER BY id LIMIT ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setInt(1, limit);
            List<Job> jobs = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    jobs.add(new Job(rows.getLong("id"), rows.getString("kind"), rows.getString("payload")));
                }
            }
            return jobs;
        } catch (SQLException e) {
            throw new JobStoreException("find undelivered jobs", e);
        }
    }

    Optional<String> status(long id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT status FROM jobs WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new JobStoreException("read status of job " + id, e);
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /**
     * Moves a job from one status to the next. The expected status is part of the WHERE clause,
     * so a job is never delivered twice or brought back from failed, even by two threads at once.
     */
    private void move(long id, String from, String to, String alsoSet) {
        String sql = "UPDATE jobs SET status = ?" + (alsoSet == null ? "" : ", " + alsoSet)
                + " WHERE id = ? AND status = ?";
        int changed;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(sql)) {
            update.setString(1, to);
            update.setLong(2, id);
            update.setString(3, from);
            changed = update.executeUpdate();
        } catch (SQLException e) {
            throw new JobStoreException("mark job " + id + " " + to, e);
        }
        if (changed == 0) {
            throw new IllegalStateException("job " + id + ": cannot mark " + to + ", expected status " + from
                    + ", found " + status(id).orElse("no such job"));
        }
    }
}
