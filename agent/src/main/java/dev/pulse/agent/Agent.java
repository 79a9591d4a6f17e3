package dev.pulse.agent;

import dev.pulse.agent.config.PulseConfig;
import dev.pulse.agent.config.QueueConfig;
import dev.pulse.agent.export.MetricsEndpoint;
import dev.pulse.agent.metrics.ProcessingMetrics;
import dev.pulse.agent.metrics.SelfMetrics;
import dev.pulse.agent.metrics.StallDetector;
import dev.pulse.agent.sample.PoolLookup;
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
import java.util.List;

/** Wiring: config, then metrics, then weaving, then the sampler, then the endpoint. */
final class Agent {

    static final String VERSION = versionOf(Agent.class);
    static final String ENDPOINT_THREAD_NAME = "pulse-endpoint";

    private Agent() {
    }

    /** Runs after {@link BootstrapBridge#inject}: this class links against the bridge types. */
    static void start(PulseConfig config, Instrumentation instrumentation) {
        PrometheusProperties properties = PrometheusProperties.builder().build();
        Labels service = Labels.of("service", config.service());
        Weaver weaver = new Weaver();
        SelfMetrics self = new SelfMetrics(VERSION, service, properties, weaver::errors);
        ProcessingMetrics timers = new ProcessingMetrics(config.timers(), config.buckets(), service, properties, self);
        QueueSampler queues = new QueueSampler(config.queues(), service, properties);
        List<SampleSource> sources = List.of(queues, new StallDetector(timers, config.timers()),
                new SqlGauges(config.sqlGauges(), PoolLookup.NONE, service));
        Sampler sampler = new Sampler(sources, config.sampleInterval(), service, properties);

        if (!BootstrapBridge.install(new AgentHooks(timers, queues))) {
            AgentLog.warn("another Pulse agent is already running in this JVM; this one does nothing");
            return;
        }
        PrometheusRegistry registry = new PrometheusRegistry();
        self.register(registry);
        timers.register(registry);
        sampler.register(registry);

        weaver.install(config, instrumentation);
        registerLoadedQueueHolders(config, instrumentation, queues);
        sampler.start();
        startEndpoint(config, registry, properties);
    }

    /**
     * Classes holding a static queue field that were loaded before the agent: their static
     * initializer has run already, so the woven hook never reports them.
     */
    private static void registerLoadedQueueHolders(PulseConfig config, Instrumentation instrumentation,
            QueueSampler queues) {
        List<QueueConfig> configs = config.queues();
        if (configs.isEmpty()) {
            return;
        }
        for (Class<?> loaded : instrumentation.getAllLoadedClasses()) {
            for (int id = 0; id < configs.size(); id++) {
                if (configs.get(id).className().equals(loaded.getName())) {
                    queues.classInitialized(id, loaded);
                }
            }
        }
    }

    /**
     * Starts the endpoint on its own daemon thread, so the host's start-up does not wait for the
     * HTTP server. The server is closed at exit: its dispatcher thread waits in a native select,
     * and the JVM's exit waits up to 300 ms for threads in native code to come back.
     */
    private static void startEndpoint(PulseConfig config, PrometheusRegistry registry, PrometheusProperties properties) {
        String started = "started " + config.timers().size() + " timers, " + config.queues().size() + " queues, "
                + config.sqlGauges().size() + " SQL gauges";
        if (config.httpPort() == 0) {
            AgentLog.info(started + "; no endpoint (pulse.http.port=0)");
            return;
        }
        Thread starter = new Thread(() -> serve(config, registry, properties, started), ENDPOINT_THREAD_NAME);
        starter.setDaemon(true);
        starter.start();
    }

    private static void serve(PulseConfig config, PrometheusRegistry registry, PrometheusProperties properties,
            String started) {
        String where = config.httpHost() + ":" + config.httpPort();
        try {
            MetricsEndpoint endpoint = MetricsEndpoint.start(config.httpHost(), config.httpPort(), registry, properties);
            Thread closer = new Thread(endpoint::close, ENDPOINT_THREAD_NAME + "-close");
            try {
                Runtime.getRuntime().addShutdownHook(closer);
            } catch (IllegalStateException shuttingDown) {
                endpoint.close();
                return;
            }
            AgentLog.info(started + "; metrics on http://" + config.httpHost() + ":" + endpoint.port() + "/metrics");
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
