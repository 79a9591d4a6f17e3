package dev.pulse.agent;

import dev.pulse.agent.config.PulseConfig;
import dev.pulse.agent.config.QueueConfig;
import dev.pulse.agent.export.GuardedRegistry;
import dev.pulse.agent.export.MetricsEndpoint;
import dev.pulse.agent.history.History;
import dev.pulse.agent.history.HistoryRecorder;
import dev.pulse.agent.metrics.JvmMetricsOnDemand;
import dev.pulse.agent.metrics.ProcessingMetrics;
import dev.pulse.agent.metrics.SelfMetrics;
import dev.pulse.agent.metrics.StallDetector;
import dev.pulse.agent.output.Outputs;
import dev.pulse.agent.pools.DbPools;
import dev.pulse.agent.pools.ExecutorKind;
import dev.pulse.agent.pools.ExecutorPools;
import dev.pulse.agent.pools.JdbcPoolKind;
import dev.pulse.agent.pools.ThreadDeaths;
import dev.pulse.agent.pools.ThreadPerTaskExecutorKind;
import dev.pulse.agent.sample.ClassInitialization;
import dev.pulse.agent.sample.QueueSampler;
import dev.pulse.agent.sample.SampleSource;
import dev.pulse.agent.sample.Sampler;
import dev.pulse.agent.sample.SqlGauges;
import dev.pulse.agent.weave.Weaver;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.lang.instrument.Instrumentation;
import java.net.BindException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/** Wiring: config, then metrics, then weaving, then the sampler, then the endpoint. */
final class Agent {

    static final String VERSION = versionOf(Agent.class);
    /**
     * Test hook, outside the pulse.* keys on purpose: names an operation whose recordings all
     * fail inside the agent, to prove such faults are swallowed and counted.
     */
    static final String FAULT_HOOK = "dev.pulse.agent.test.faulty_operation";
    static final String ENDPOINT_THREAD_NAME = "pulse-endpoint";

    private Agent() {
    }

    /** Runs after {@link BootstrapBridge#inject}: this class links against the bridge types. */
    static void start(PulseConfig config, Instrumentation instrumentation) {
        PrometheusProperties properties = PrometheusProperties.builder().build();
        Labels service = Labels.of("service", config.service());
        Weaver weaver = new Weaver();
        SelfMetrics self = new SelfMetrics(VERSION, service, properties, weaver::errors);
        ProcessingMetrics timers = new ProcessingMetrics(config.timers(), config.buckets(), config.maxSeries(), service,
                properties, self);
        String faulty = System.getProperty(FAULT_HOOK);
        if (faulty != null) {
            timers.injectRecordingFault(faulty);
        }
        QueueSampler queues = new QueueSampler(config.queues(), service, properties);
        DbPools dbPools = new DbPools(JdbcPoolKind.ALL, config::poolExcluded, config.maxSeries(),
                () -> self.seriesOverflow("pulse_db_pool_size", 1), service, properties);
        ExecutorPools executors = new ExecutorPools(ExecutorKind.ALL, config::poolExcluded, config.maxSeries(),
                () -> self.seriesOverflow("pulse_executor_threads", 1), service, properties);
        ThreadDeaths deaths = new ThreadDeaths(executors, config::poolExcluded, config.maxSeries(),
                () -> self.seriesOverflow("pulse_thread_uncaught_exceptions_total", 1), service, properties);
        // Pools are read before the SQL gauges, which borrow their connections from them.
        List<SampleSource> sources = new ArrayList<>(List.of(queues, new StallDetector(timers, config.timers(), service, properties)));
        sources.add(weaver.watchCoverage(config.timers(), timers::matched));
        if (config.pools()) {
            sources.add(dbPools);
            sources.add(executors);
        }
        PrometheusRegistry registry = new GuardedRegistry(self::scrapeFault);
        sources.add(new SqlGauges(config.sqlGauges(), dbPools, service,
                config.maxSeries(), self, SqlGauges.startupGrace(config.sampleInterval()),
                properties));
        Sampler sampler = new Sampler(sources, config.sampleInterval(), service, properties);

        if (!BootstrapBridge.install(new AgentHooks(timers, queues, dbPools, executors, deaths))) {
            AgentLog.warn("another Pulse agent is already running in this JVM; this one does nothing");
            return;
        }
        self.register(registry);
        timers.register(registry);
        sampler.register(registry);
        if (config.pools()) {
            deaths.register(registry);
        }
        if (config.jvm()) {
            registerJvmMetrics(registry, properties, service);
        }

        List<String> poolClasses = new ArrayList<>();
        JdbcPoolKind.ALL.forEach(kind -> poolClasses.add(kind.className()));
        weaver.install(config, poolClasses, instrumentation);
        if (config.pools()) {
            executors.addCommonPool();
            ThreadPerTaskExecutorKind.open(instrumentation);
        }
        registerLoadedQueueHolders(config, instrumentation, queues);
        sampler.start();
        Outputs.start(config.outputs(), registry, config.sampleInterval(), service, properties);
        History history = null;
        if (!config.historyDuration().isZero()) {
            history = new History(config.historyDuration().toMillis(), config.sampleInterval().toMillis());
            HistoryRecorder.start(history, registry, config.sampleInterval());
        }
        startEndpoint(config, registry, properties, history);
    }

    /**
     * The JVM's own figures (memory, GC, threads, classes, CPU, buffer pools), by client_java's JVM
     * instrumentation under its standard names, built at the first scrape (see
     * {@link JvmMetricsOnDemand}) and read from the platform MXBeans at each scrape.
     */
    private static void registerJvmMetrics(PrometheusRegistry registry, PrometheusProperties properties,
            Labels service) {
        registry.register(new JvmMetricsOnDemand(properties, service));
    }

    /**
     * Classes holding a queue field that were loaded before the agent. For a static field: those
     * already initialized never run their woven static initializer, so they are handed over here;
     * those loaded but not initialized yet are sampled only once the application initializes them:
     * reading their field now would run their static initializer on the agent's thread. For an
     * instance field, the instances made from now on are found as they are constructed.
     */
    private static void registerLoadedQueueHolders(PulseConfig config, Instrumentation instrumentation,
            QueueSampler queues) {
        List<QueueConfig> configs = config.queues();
        if (configs.isEmpty()) {
            return;
        }
        boolean[] told = new boolean[configs.size()];
        boolean canTell = ClassInitialization.open(instrumentation);
        for (Class<?> loaded : instrumentation.getAllLoadedClasses()) {
            for (int id = 0; id < configs.size(); id++) {
                if (configs.get(id).className().equals(loaded.getName())) {
                    if (isInstanceField(loaded, configs.get(id).field())) {
                        if (!told[id]) {
                            told[id] = true;
                            AgentLog.info("pulse.queue." + configs.get(id).name() + ": " + loaded.getName()
                                    + " was loaded before the agent: its instances made before are not seen,"
                                    + " those made from now on are sampled");
                        }
                        continue;
                    }
                    queues.classLoadedBeforeAgent(id, loaded);
                    if (!canTell) {
                        AgentLog.warn("pulse.queue." + configs.get(id).name() + ": " + loaded.getName()
                                + " was loaded before the agent and this JVM cannot tell whether it is initialized;"
                                + " its static field is sampled only if its static initializer runs from now on");
                    }
                }
            }
        }
    }

    /** True when the class (or a superclass) declares {@code name} as an instance field; initializes nothing. */
    private static boolean isInstanceField(Class<?> type, String name) {
        try {
            for (Class<?> current = type; current != null; current = current.getSuperclass()) {
                for (java.lang.reflect.Field field : current.getDeclaredFields()) {
                    if (field.getName().equals(name)) {
                        return !java.lang.reflect.Modifier.isStatic(field.getModifiers());
                    }
                }
            }
        } catch (LinkageError | SecurityException e) {
            // a field type that cannot be loaded: treated as before
        }
        return false;
    }

    /**
     * Starts the endpoint on its own daemon thread, so the host's start-up does not wait for the
     * HTTP server. The server is closed at exit: its dispatcher thread waits in a native select,
     * and the JVM's exit waits up to 300 ms for threads in native code to come back.
     */
    private static void startEndpoint(PulseConfig config, PrometheusRegistry registry, PrometheusProperties properties,
            History history) {
        String started = "started " + config.timers().size() + " timers, " + config.queues().size() + " queues, "
                + config.sqlGauges().size() + " SQL gauges";
        if (config.httpPort() == 0) {
            AgentLog.info(started + "; no endpoint (pulse.http.port=0)");
            return;
        }
        Thread starter = new Thread(() -> serve(config, registry, properties, history, started), ENDPOINT_THREAD_NAME);
        starter.setDaemon(true);
        starter.start();
    }

    private static void serve(PulseConfig config, PrometheusRegistry registry, PrometheusProperties properties,
            History history, String started) {
        String where = config.httpHost() + ":" + config.httpPort();
        if (config.authUser() != null && config.tls() == null) {
            AgentLog.warn("pulse.http.auth.user is set without pulse.http.tls.keystore: the password crosses"
                    + " the network in clear text");
        }
        try {
            MetricsEndpoint endpoint = MetricsEndpoint.start(config, registry, properties, history);
            Thread closer = new Thread(endpoint::close, ENDPOINT_THREAD_NAME + "-close");
            try {
                Runtime.getRuntime().addShutdownHook(closer);
            } catch (IllegalStateException shuttingDown) {
                endpoint.close();
                return;
            }
            String scheme = config.tls() != null ? "https" : "http";
            String auth = config.authUser() != null ? " (Basic authentication)" : "";
            String host = config.httpHost().contains(":") && !config.httpHost().startsWith("[")
                    ? "[" + config.httpHost() + "]" : config.httpHost();
            AgentLog.info(started + "; metrics on " + scheme + "://" + host + ":" + endpoint.port()
                    + "/metrics" + auth);
        } catch (GeneralSecurityException e) {
            AgentLog.error(started + ", but pulse.http.tls.keystore: cannot serve HTTPS with its key: " + e
                    + "; timing and sampling go on without an endpoint");
        } catch (BindException e) {
            AgentLog.error(started + ", but pulse.http.port: cannot listen on " + where + ": " + e.getMessage()
                    + "; timing and sampling go on without an endpoint");
        } catch (Throwable e) {
            AgentLog.error(started + ", but pulse.http.host: cannot listen on " + where + ": " + e
                    + "; timing and sampling go on without an endpoint");
        }
    }

    private static String versionOf(Class<?> type) {
        String version = type.getPackage() == null ? null : type.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
