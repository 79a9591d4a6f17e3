package dev.pulse.agent.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metric families Pulse exports itself (the README's metrics table, and those the
 * specification reserves), with every name each one writes: an SQL gauge may take none of them.
 */
final class OwnMetrics {

    /** Family name to its type, as the exposition formats name it. */
    private static final Map<String, String> FAMILIES = new LinkedHashMap<>();
    /** Every name a family may write, to the family that writes it. */
    private static final Map<String, String> NAMES = new LinkedHashMap<>();
    /** Prefixes of families the JVM instrumentation may add. */
    private static final String[] RESERVED_PREFIXES = {"jvm_", "process_"};

    static {
        histogram("pulse_processing_duration_seconds");
        counter("pulse_processing_errors");
        gauge("pulse_processing_inflight");
        gauge("pulse_processing_oldest_inflight_seconds");
        gauge("pulse_processing_last_success_timestamp_seconds");
        gauge("pulse_processing_stall_threshold_seconds");
        gauge("pulse_queue_depth");
        gauge("pulse_queue_capacity");
        gauge("pulse_db_pool_size");
        gauge("pulse_db_pool_free");
        gauge("pulse_db_pool_active");
        gauge("pulse_db_pool_pending");
        gauge("pulse_db_pool_max");
        histogram("pulse_db_pool_acquire_duration_seconds");
        counter("pulse_db_pool_acquire_timeouts");
        gauge("pulse_executor_threads");
        gauge("pulse_executor_active_threads");
        gauge("pulse_executor_max_threads");
        gauge("pulse_executor_queued_tasks");
        counter("pulse_executor_completed_tasks");
        counter("pulse_executor_rejected_tasks");
        counter("pulse_executor_cpu_seconds");
        counter("pulse_executor_allocated_bytes");
        counter("pulse_executor_failed_tasks");
        counter("pulse_thread_uncaught_exceptions");
        histogram("pulse_sampler_duration_seconds");
        counter("pulse_sampler_errors");
        gauge("pulse_sql_up");
        gauge("pulse_sql_last_success_timestamp_seconds");
        gauge("pulse_agent_info");
        counter("pulse_agent_errors");
        counter("pulse_series_overflow");
        counter("pulse_output_points");
        counter("pulse_output_failures");
        counter("pulse_output_dropped_points");
        gauge("pulse_output_buffered_points");
        gauge("pulse_output_last_success_timestamp_seconds");
    }

    private OwnMetrics() {
    }

    /**
     * What {@code metric} clashes with, as "Pulse's pulse_db_pool_size (a gauge)" or "the JVM's
     * jvm_* families", or null when it is free.
     */
    static String clash(String metric) {
        String family = NAMES.get(metric);
        if (family != null) {
            return "Pulse's " + family + " (a " + FAMILIES.get(family) + ")";
        }
        for (String prefix : RESERVED_PREFIXES) {
            if (metric.startsWith(prefix)) {
                return "the JVM's " + prefix + "* families";
            }
        }
        return null;
    }

    private static void gauge(String name) {
        family(name, "gauge");
    }

    private static void counter(String name) {
        family(name, "counter");
    }

    private static void histogram(String name) {
        family(name, "histogram");
    }

    /** Takes the family name and the names derived from it, whatever its type, so none is ever shared. */
    private static void family(String name, String type) {
        FAMILIES.put(name, type);
        for (String suffix : new String[] {"", "_total", "_created", "_bucket", "_count", "_sum", "_info"}) {
            NAMES.putIfAbsent(name + suffix, name);
        }
    }
}
