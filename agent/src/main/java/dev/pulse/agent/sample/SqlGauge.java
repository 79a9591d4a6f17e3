package dev.pulse.agent.sample;

import dev.pulse.agent.config.PersonalData;
import dev.pulse.agent.config.SqlGaugeConfig;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ObjLongConsumer;
import java.util.regex.Pattern;

/**
 * One {@code pulse.sql.<name>}: the sampler runs the query on the gauge's own schedule and keeps
 * the result, which the scrape serves as a gauge family; after a failed read the family has no
 * series (pulse_sql_up says 0), as a Prometheus exporter's target that is down. The {@code value} column is the value; every other column is a
 * label (its name lower-cased). Rows with the same labels are added up; beyond
 * {@code pulse.metrics.max_series} label sets the rest are added into one series whose labels are
 * all "other". A label column named like personal data ({@link PersonalData}) fails the query.
 */
final class SqlGauge implements SampleTask, Collector {

    /** Rows read at most per pass, whatever the series cap: bounds the sampler's time and memory. */
    static final int MAX_ROWS = 100_000;
    static final String OVERFLOW = "other";
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final SqlGaugeConfig config;
    private final ConnectionSource connections;
    private final Labels constLabels;
    private final String help;
    private final int maxSeries;
    private final ObjLongConsumer<String> overflow;
    private final GaugeSnapshot empty;
    /** The last read's values; {@link #empty} once a read failed, so a stale value never looks fresh. */
    private volatile GaugeSnapshot last;
    /** {@link #UNKNOWN} before the first read ends, then 1 or 0: whether the last read succeeded. */
    private volatile int up = UNKNOWN;
    /** Unix seconds of the last successful read; NaN before the first. */
    private volatile double lastSuccessSeconds = Double.NaN;

    static final int UNKNOWN = -1;

    SqlGauge(SqlGaugeConfig config, ConnectionSource connections, Labels constLabels, int maxSeries,
            ObjLongConsumer<String> overflow) {
        this.config = config;
        this.maxSeries = maxSeries;
        this.overflow = overflow;
        this.connections = connections;
        this.constLabels = constLabels;
        this.help = "SQL gauge " + config.name() + ": " + config.query();
        this.empty = GaugeSnapshot.builder().name(config.metric()).help(help).build();
        this.last = empty;
    }

    @Override
    public String name() {
        return "sql:" + config.name();
    }

    /** The gauge's name in {@code pulse.sql.<name>}: the {@code gauge} label of pulse_sql_up. */
    String gaugeName() {
        return config.name();
    }

    @Override
    public Duration timeout() {
        return config.timeout();
    }

    @Override
    public boolean ownSchedule() {
        return true;
    }

    @Override
    public String getPrometheusName() {
        return config.metric();
    }

    @Override
    public MetricSnapshot collect() {
        return last;
    }

    int up() {
        return up;
    }

    double lastSuccessSeconds() {
        return lastSuccessSeconds;
    }

    /** The run is past its timeout: its old values go, it is down until a read succeeds. */
    @Override
    public void expired() {
        down();
    }

    /**
     * One read within {@code .timeout}: borrowing (bounded where the pool kind can bound it) and the
     * query share that one deadline. On failure the gauge's values go and it is down.
     *
     * @throws SQLException what failed: no connection, the query, a column that cannot be a label
     */
    @Override
    public void run(Errors errors) throws SQLException {
        long deadline = System.nanoTime() + config.timeout().toNanos();
        Connection connection;
        try {
            connection = connections.borrow(deadline);
        } catch (ConnectionSource.NotYet notYet) {
            return;
        } catch (SQLException | RuntimeException e) {
            down();
            throw e;
        }
        boolean ok = false;
        try (Statement statement = connection.createStatement()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SQLTimeoutException("borrowing a connection took the whole timeout of "
                        + config.timeout().toMillis() + " ms");
            }
            statement.setQueryTimeout((int) Math.max(1, (left + 999_999_999L) / 1_000_000_000L));
            statement.setMaxRows(MAX_ROWS + 1);
            try (ResultSet rows = statement.executeQuery(config.query())) {
                GaugeSnapshot values = read(rows, errors);
                last = values;
                lastSuccessSeconds = System.currentTimeMillis() / 1000.0;
                up = 1;
                ok = true;
            }
        } catch (SQLException | RuntimeException e) {
            down();
            throw e;
        } finally {
            connections.giveBack(connection, !ok);
        }
    }

    private void down() {
        last = empty;
        up = 0;
    }

    private GaugeSnapshot read(ResultSet rows, Errors errors) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        int valueColumn = -1;
        List<String> labelNames = new ArrayList<>();
        List<Integer> labelColumns = new ArrayList<>();
        for (int column = 1; column <= meta.getColumnCount(); column++) {
            String label = meta.getColumnLabel(column).toLowerCase(Locale.ROOT);
            if (label.equals("value")) {
                valueColumn = column;
            } else if (!LABEL.matcher(label).matches() || constLabels.contains(label)) {
                throw new SQLException("column \"" + label + "\" cannot be a label: use letters, digits and _,"
                        + " and not " + constLabels.getName(0));
            } else if (PersonalData.wordIn(label) != null) {
                throw new SQLException("column \"" + label + "\" cannot be a label: \"" + PersonalData.wordIn(label)
                        + "\" suggests personal data, which a metrics endpoint must not export");
            } else {
                labelNames.add(label);
                labelColumns.add(column);
            }
        }
        if (valueColumn < 0) {
            throw new SQLException("the query has no column named value");
        }
        List<String> overflowKey = Collections.nCopies(labelColumns.size(), OVERFLOW);
        Map<List<String>, double[]> series = new LinkedHashMap<>();
        int count = 0;
        long folded = 0;
        while (rows.next()) {
            if (++count > MAX_ROWS) {
                errors.failed(name(), "the query returned more than " + MAX_ROWS + " rows; the rest are dropped");
                break;
            }
            double value = rows.getDouble(valueColumn);
            if (rows.wasNull()) {
                continue;
            }
            String[] values = new String[labelColumns.size()];
            for (int i = 0; i < values.length; i++) {
                String text = rows.getString(labelColumns.get(i));
                values[i] = text == null ? "" : text;
            }
            List<String> key = Arrays.asList(values);
            double[] sum = series.get(key);
            if (sum == null) {
                if (series.size() >= maxSeries - 1 && !key.isEmpty()) {
                    folded++;
                    key = overflowKey;
                    sum = series.get(key);
                }
                if (sum == null) {
                    sum = new double[1];
                    series.put(key, sum);
                }
            }
            sum[0] += value;
        }
        if (folded > 0) {
            overflow.accept(config.metric(), folded);
        }
        GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(config.metric()).help(help);
        String[] names = labelNames.toArray(new String[0]);
        for (Map.Entry<List<String>, double[]> one : series.entrySet()) {
            Labels labels = Labels.of(names, one.getKey().toArray(new String[0])).merge(constLabels);
            gauge.dataPoint(GaugeDataPointSnapshot.builder().value(one.getValue()[0]).labels(labels).build());
        }
        return gauge.build();
    }
}
