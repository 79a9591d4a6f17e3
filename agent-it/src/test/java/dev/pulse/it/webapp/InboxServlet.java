package dev.pulse.it.webapp;

import com.zaxxer.hikari.HikariDataSource;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A web application that uses what the agent watches: an {@link Inbox} (a sampled queue and a
 * timed method), a HikariCP pool named by the init parameter "pool" (an H2 database in memory),
 * and an executor. Each GET adds two items, drains one, and runs {@code SELECT 1} on the executor
 * through the pool; it answers "ok <depth> 1". Everything is emptied or closed when the application
 * stops.
 */
public final class InboxServlet extends HttpServlet {

    private final Inbox inbox = new Inbox();
    private final AtomicInteger requests = new AtomicInteger();
    private HikariDataSource pool;
    private ExecutorService workers;

    @Override
    public void init() {
        String name = getInitParameter("pool");
        pool = new HikariDataSource();
        pool.setPoolName(name);
        pool.setJdbcUrl("jdbc:h2:mem:" + name);
        pool.setMaximumPoolSize(2);
        pool.setMinimumIdle(1);
        AtomicInteger threads = new AtomicInteger();
        workers = Executors.newFixedThreadPool(2, task -> new Thread(task, name + "-worker-" + threads.incrementAndGet()));
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        int number = requests.incrementAndGet();
        inbox.add("item " + number + "a");
        inbox.add("item " + number + "b");
        inbox.drain(1);
        int one;
        try {
            one = workers.submit(this::selectOne).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new ServletException(e);
        }
        response.setContentType("text/plain");
        response.getWriter().print("ok " + inbox.depth() + " " + one);
    }

    private int selectOne() throws Exception {
        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT 1")) {
            result.next();
            return result.getInt(1);
        }
    }

    @Override
    public void destroy() {
        inbox.clear();
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }
}
