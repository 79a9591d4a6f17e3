package dev.pulse.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Every performance figure of the README in one run, each with the baseline measured in the same
 * run and its ratio: the timed call (JMH, 1 and 2 threads, allocation per call), JVM start-up and
 * peak RSS with and without the agent, the scrape of about 400 series, and the sampler's CPU over
 * queues and over 500 threads in 20 pools.
 *
 * <pre>java -cp benchmarks.jar dev.pulse.bench.PerfReport --agent pulse-agent.jar
 *     [--jmx-exporter jmx_prometheus_javaagent.jar] [--before older-pulse-agent.jar]
 *     [--quick] [--only jmh|process|startup]</pre>
 *
 * {@code --before} adds an older build of the agent to the start-up comparison, in the same
 * rounds, for a before -> after of a change.
 */
public final class PerfReport {

    private static final Path JAVA = Paths.get(System.getProperty("java.home"), "bin", "java");
    private static final Path TIME = Paths.get("/usr/bin/time");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path agent;
    private final Path jmxExporter;
    private final Path before;
    private final boolean quick;
    private final Path work;
    private final String classpath;
    private final List<String> report = new ArrayList<>();

    private PerfReport(Path agent, Path jmxExporter, Path before, boolean quick) throws IOException {
        this.before = before == null ? null : before.toAbsolutePath();
        this.agent = agent.toAbsolutePath();
        this.jmxExporter = jmxExporter == null ? null : jmxExporter.toAbsolutePath();
        this.quick = quick;
        this.work = Files.createTempDirectory("pulse-bench");
        this.classpath = Paths.get(System.getProperty("java.class.path").split(java.io.File.pathSeparator)[0])
                .toAbsolutePath().toString();
    }

    public static void main(String[] args) throws Exception {
        Path agent = null;
        Path jmxExporter = null;
        Path before = null;
        boolean quick = false;
        String only = "all";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--agent": agent = Paths.get(args[++i]); break;
                case "--jmx-exporter": jmxExporter = Paths.get(args[++i]); break;
                case "--before": before = Paths.get(args[++i]); break;
                case "--quick": quick = true; break;
                case "--only": only = args[++i]; break;
                default: throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (agent == null || !Files.isRegularFile(agent)) {
            throw new IllegalArgumentException("--agent <pulse-agent.jar> is required, found " + agent);
        }
        PerfReport perf = new PerfReport(agent, jmxExporter, before, quick);
        perf.header();
        if (only.equals("all") || only.equals("jmh")) {
            perf.timedCall();
        }
        if (only.equals("all") || only.equals("startup")) {
            perf.startupComparison();
        }
        if (only.equals("all") || only.equals("process")) {
            perf.startupAndMemory();
            perf.scrape();
            perf.sampler();
            perf.executorsSampler();
        }
        System.out.println();
        System.out.println("=== Pulse performance (" + machine() + ")");
        System.out.println(String.format(Locale.ROOT, "%-34s %14s %14s %9s  %s", "figure", "value", "baseline",
                "ratio", "target"));
        perf.report.forEach(System.out::println);
    }

    private void header() {
        System.out.println("pulse bench: agent " + agent + ", java " + System.getProperty("java.version")
                + (quick ? ", quick run (fewer forks and iterations)" : ""));
    }

    // ---- the timed call (JMH) -------------------------------------------------------------

    private void timedCall() throws Exception {
        Path config = write("bench.properties",
                "pulse.service=bench",
                "pulse.http.port=0",
                "pulse.sample.interval=1m",
                "pulse.timer.bench_call=dev.pulse.bench.Work#timed");
        Map<String, double[]> one = jmh(1, config);
        Map<String, double[]> two = jmh(2, config);
        double floor1 = one.get("floor")[0];
        double pulse1 = one.get("pulse")[0];
        double pulse2 = two.get("pulse")[0];
        line("call, uninstrumented (1 thread)", ns(one.get("uninstrumented")[0]), "", "", "");
        line("call, floor: 2 clock reads + add", ns(floor1), "", "", "");
        line("call, timed by Pulse (1 thread)", ns(pulse1), ns(floor1), ratio(pulse1 / floor1),
                target(pulse1 / floor1 <= 1.3, "<= 1.3x floor"));
        line("call, timed by Pulse (2 threads)", ns(pulse2), ns(pulse1), ratio(pulse2 / pulse1),
                target(pulse2 / pulse1 <= 1.5, "<= 1.5x 1 thread"));
        // On a shared 2-core machine a second thread may find no free core: the floor's own
        // scaling from 1 to 2 threads says how much of Pulse's is the machine's.
        double floor2 = two.get("floor")[0];
        line("call, floor (2 threads) vs 1 thread", ns(floor2), ns(floor1), ratio(floor2 / floor1), "(machine)");
        line("call, 2 threads vs floor", ns(pulse2), ns(floor2), ratio(pulse2 / floor2), "(info)");
        double alloc1 = one.get("pulse")[1];
        double alloc2 = two.get("pulse")[1];
        line("allocated per timed call, 1 thread", bytes(alloc1), bytes(one.get("floor")[1]), "",
                target(alloc1 < 0.5, "0 B"));
        line("allocated per timed call, 2 threads", bytes(alloc2), bytes(two.get("floor")[1]), "",
                target(alloc2 < 0.5, "0 B"));
    }

    /** Benchmark name -> {ns per call, bytes allocated per call}. */
    private Map<String, double[]> jmh(int threads, Path config) throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(TimedCallBenchmark.class.getName() + "\\.")
                .threads(threads)
                .addProfiler(GCProfiler.class)
                .jvmArgsAppend("-Xmx256m", "-javaagent:" + agent + "=" + config);
        if (quick) {
            options.forks(1).warmupIterations(2).measurementIterations(3);
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, double[]> scores = new java.util.HashMap<>();
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            double alloc = Double.NaN;
            for (Map.Entry<String, Result> secondary : result.getSecondaryResults().entrySet()) {
                if (secondary.getKey().endsWith("gc.alloc.rate.norm")) {
                    alloc = secondary.getValue().getScore();
                }
            }
            scores.put(name, new double[] {result.getPrimaryResult().getScore(), alloc});
        }
        return scores;
    }

    // ---- whole process ---------------------------------------------------------------------

    /**
     * A trivial main ({@link TrivialMain}) without an agent, with Pulse as the issue measures it
     * (pool discovery on, one timer, no endpoint; JVM metrics and history off), with each default
     * feature added, with Pulse's defaults, and with the Prometheus JMX exporter agent (minimal
     * config, its endpoint on a free loopback port): wall time to exit, CPU time (user + sys) and
     * peak RSS from GNU time, rounds alternating the order, medians, each against the same run's
     * bare JVM.
     */
    private void startupComparison() throws Exception {
        if (!Files.isExecutable(TIME)) {
            throw new IllegalStateException("the start-up comparison needs /usr/bin/time (Debian package time)");
        }
        List<String> core = List.of("pulse.service=startup", "pulse.http.port=0",
                "pulse.timer.work=dev.pulse.bench.TrivialMain#work");
        Path pulseCore = write("core.properties", concat(core, "pulse.jvm=false", "pulse.history.duration=0"));
        Path pulseJvm = write("jvm.properties", concat(core, "pulse.jvm=true", "pulse.history.duration=0"));
        Path pulseHistory = write("history.properties", concat(core, "pulse.jvm=false"));
        Path pulseDefaults = write("defaults.properties", concat(core));
        // The endpoint on a loopback port, and the three outputs, their two servers being loopback
        // ports nobody listens on (each output's thread starts, and its last write at exit fails once).
        Path textfiles = Files.createTempDirectory("pulse-bench-textfile");
        int closed = freePort();
        List<String> endpoint = List.of("pulse.http.host=127.0.0.1", "pulse.http.port=" + freePort());
        List<String> outputs = List.of("pulse.influx.url=http://127.0.0.1:" + closed, "pulse.influx.db=bench",
                "pulse.textfile.path=" + textfiles.resolve("pulse.prom"),
                "pulse.pushgateway.url=http://127.0.0.1:" + closed);
        List<String> named = List.of("pulse.service=startup", "pulse.timer.work=dev.pulse.bench.TrivialMain#work");
        Path pulseEndpoint = write("endpoint.properties", joined(named, endpoint,
                List.of("pulse.jvm=false", "pulse.history.duration=0")));
        Path pulseOutputs = write("outputs.properties", joined(core, outputs,
                List.of("pulse.jvm=false", "pulse.history.duration=0")));
        Path pulseAll = write("all.properties", joined(named, endpoint, outputs));
        List<String> labels = new ArrayList<>(List.of("no agent", "Pulse: pools, 1 timer", "Pulse: + JVM metrics",
                "Pulse: + history", "Pulse: defaults (+ both)", "Pulse: + endpoint", "Pulse: + 3 outputs",
                "Pulse: all (defaults, endpoint, outputs)"));
        List<List<String>> commands = new ArrayList<>(List.of(trivial(null), trivial("-javaagent:" + agent + "=" + pulseCore),
                trivial("-javaagent:" + agent + "=" + pulseJvm), trivial("-javaagent:" + agent + "=" + pulseHistory),
                trivial("-javaagent:" + agent + "=" + pulseDefaults), trivial("-javaagent:" + agent + "=" + pulseEndpoint),
                trivial("-javaagent:" + agent + "=" + pulseOutputs), trivial("-javaagent:" + agent + "=" + pulseAll)));
        if (before != null) {
            labels.add("before: pools, 1 timer");
            commands.add(trivial("-javaagent:" + before + "=" + pulseCore));
            labels.add("before: defaults");
            commands.add(trivial("-javaagent:" + before + "=" + pulseDefaults));
        }
        if (jmxExporter != null) {
            // The exporter needs a port and a config; an empty config exports every MBean as is.
            Path yaml = write("jmx-exporter.yaml", "{}");
            labels.add("JMX exporter 1.0.1");
            commands.add(trivial("-javaagent:" + jmxExporter + "=127.0.0.1:" + freePort() + ":" + yaml));
        }
        String load = loadAverage();
        int variants = commands.size();
        int runs = quick ? 5 : 11;
        long[][][] measured = new long[variants][3][runs];
        for (List<String> command : commands) {
            timed(command);
        }
        for (int i = 0; i < runs; i++) {
            // Rotate which goes first, so drift in the machine's load hits every variant alike.
            for (int k = 0; k < variants; k++) {
                int which = (i + k) % variants;
                long[] one = timed(commands.get(which));
                for (int f = 0; f < 3; f++) {
                    measured[which][f][i] = one[f];
                }
            }
        }
        double[][] median = new double[variants][3];
        for (int v = 0; v < variants; v++) {
            for (int f = 0; f < 3; f++) {
                median[v][f] = median(measured[v][f]);
            }
        }
        List<String> table = new ArrayList<>();
        table.add(String.format(Locale.ROOT, "%-26s %10s %10s %10s %10s %10s %10s", "trivial main (" + runs
                + " rounds)", "wall ms", "added", "CPU ms", "added", "RSS MiB", "added"));
        for (int v = 0; v < variants; v++) {
            table.add(String.format(Locale.ROOT, "%-26s %10.0f %+10.0f %10.0f %+10.0f %10.1f %+10.1f", labels.get(v),
                    median[v][0] / 1e6, (median[v][0] - median[0][0]) / 1e6, median[v][1] / 1e6,
                    (median[v][1] - median[0][1]) / 1e6, median[v][2] / 1024.0, (median[v][2] - median[0][2]) / 1024.0));
        }
        table.add("load average before and after: " + load + " / " + loadAverage());
        table.forEach(line -> System.out.println("pulse bench: " + line));
        report.addAll(table);
        if (jmxExporter != null) {
            int jmx = variants - 1;
            for (int v : new int[] {1, 4, 5, 7}) {
                double added = median[v][0] - median[0][0];
                double jmxAdded = median[jmx][0] - median[0][0];
                line("added start-up vs JMX exporter's", ms(added / 1e6), ms(jmxAdded / 1e6), ratio(added / jmxAdded),
                        target(added <= jmxAdded / 2, "<= 0.5x") + "  " + labels.get(v));
                line("CPU at start vs JMX exporter's", ms(median[v][1] / 1e6), ms(median[jmx][1] / 1e6),
                        ratio(median[v][1] / median[jmx][1]), target(median[v][1] <= median[jmx][1], "<= 1x")
                                + "  " + labels.get(v));
                double rssAdded = (median[v][2] - median[0][2]) / 1024.0;
                line("peak RSS added", mib(rssAdded), mib((median[jmx][2] - median[0][2]) / 1024.0), "",
                        target(rssAdded <= 20, "<= +20 MiB") + "  " + labels.get(v) + "; baseline: JMX exporter's");
            }
        }
    }

    private List<String> trivial(String agentArgument) {
        List<String> command = new ArrayList<>(List.of(JAVA.toString(), "-Xmx256m", "-cp", classpath,
                TrivialMain.class.getName()));
        if (agentArgument != null) {
            command.add(1, agentArgument);
        }
        return command;
    }

    @SafeVarargs
    private static String[] joined(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return all.toArray(new String[0]);
    }

    private static String[] concat(List<String> lines, String... more) {
        List<String> all = new ArrayList<>(lines);
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    /** {wall nanos, CPU nanos (user + sys), max RSS KiB} of one run to its exit, from GNU time. */
    private long[] timed(List<String> command) throws Exception {
        Path out = work.resolve("time.txt");
        List<String> full = new ArrayList<>(List.of(TIME.toString(), "-o", out.toString(), "-f", "%U %S %M"));
        full.addAll(command);
        long wall = runToExit(full, command).wallNanos;
        String[] fields = Files.readString(out).trim().split("\\s+");
        long cpu = Math.round((Double.parseDouble(fields[0]) + Double.parseDouble(fields[1])) * 1e9);
        return new long[] {wall, cpu, Long.parseLong(fields[2])};
    }

    /** One process run to its exit: its wall time and standard error. */
    private static final class Exited {
        final long wallNanos;
        final String stderr;

        Exited(long wallNanos, String stderr) {
            this.wallNanos = wallNanos;
            this.stderr = stderr;
        }
    }

    /**
     * Runs {@code full} (which is {@code command}, perhaps under GNU time) to its exit, its
     * standard output discarded, without the environment's PULSE_* and JAVA_TOOL_OPTIONS.
     *
     * @throws IllegalStateException if it runs over a minute or exits with a code other than 0
     */
    private static Exited runToExit(List<String> full, List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(full).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(name -> name.startsWith("PULSE_") || name.startsWith("JAVA_TOOL"));
        long start = System.nanoTime();
        Process process = builder.start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("did not exit: " + command);
        }
        long wall = System.nanoTime() - start;
        if (process.exitValue() != 0) {
            throw new IllegalStateException("exit " + process.exitValue() + ": " + command + "\n" + stderr);
        }
        return new Exited(wall, stderr);
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Paths.get("/proc/loadavg")).trim().split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** A trivial main with and without the agent (5 timers, 3 queues, endpoint on), alternating. */
    private void startupAndMemory() throws Exception {
        Path config = startupConfig();
        List<String> plain = List.of(JAVA.toString(), "-Xmx256m", "-cp", classpath, StartupMain.class.getName());
        List<String> attached = new ArrayList<>(plain);
        attached.add(1, "-javaagent:" + agent + "=" + config);
        int runs = quick ? 5 : 21;
        long[][] wall = new long[2][runs];
        long[][] rss = new long[2][runs];
        boolean haveTime = Files.isExecutable(TIME);
        for (int warm = 0; warm < 2; warm++) {
            run(plain, false);
            run(attached, false);
        }
        for (int i = 0; i < runs; i++) {
            // Alternate which one goes first, so drift in the machine's load hits both alike.
            for (int k = 0; k < 2; k++) {
                int which = (i + k) % 2;
                long[] measured = run(which == 0 ? plain : attached, haveTime);
                wall[which][i] = measured[0];
                rss[which][i] = measured[1];
            }
        }
        double base = median(wall[0]) / 1e6;
        double with = median(wall[1]) / 1e6;
        line("start-up, trivial main (median)", ms(with), ms(base), ratio(with / base),
                target(with - base <= 300, "<= +300 ms") + String.format(Locale.ROOT, "  added %.0f ms", with - base));
        if (haveTime) {
            double baseMiB = median(rss[0]) / 1024.0;
            double withMiB = median(rss[1]) / 1024.0;
            line("peak RSS, trivial main (median)", mib(withMiB), mib(baseMiB), ratio(withMiB / baseMiB),
                    target(withMiB - baseMiB <= 20, "<= +20 MiB")
                            + String.format(Locale.ROOT, "  added %.1f MiB", withMiB - baseMiB));
        } else {
            line("peak RSS", "n/a", "", "", "needs /usr/bin/time (Debian package time)");
        }
    }

    Path startupConfig() throws IOException {
        return write("startup.properties",
                "pulse.service=startup",
                "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + freePort(),
                "pulse.timer.evaluation_cycle=dev.pulse.bench.StartupMain$Evaluator#evaluateOnce",
                "pulse.timer.dispatch_cycle=dev.pulse.bench.StartupMain$Dispatcher#dispatchOnce",
                "pulse.timer.delivery_attempt=dev.pulse.bench.StartupMain$Worker+#process*",
                "pulse.timer.scheduler_tick=dev.pulse.bench.StartupMain$Scheduler#tick,tickLater",
                "pulse.timer.any_evaluator=dev.pulse.bench.*Main$Eval*#evaluate*",
                "pulse.queue.outbox=dev.pulse.bench.StartupMain$Outbox#QUEUE",
                "pulse.queue.retries=dev.pulse.bench.StartupMain$Outbox#RETRIES",
                "pulse.queue.jobs=dev.pulse.bench.StartupMain$JobHolder#jobs");
    }

    /** {wall nanos, max RSS KiB}: one run to its exit. */
    private long[] run(List<String> command, boolean measureRss) throws Exception {
        List<String> full = new ArrayList<>();
        if (measureRss) {
            full.addAll(List.of(TIME.toString(), "-v"));
        }
        full.addAll(command);
        Exited exited = runToExit(full, command);
        long rss = 0;
        for (String line : exited.stderr.split("\n")) {
            if (line.contains("Maximum resident set size")) {
                rss = Long.parseLong(line.substring(line.lastIndexOf(':') + 1).trim());
            }
        }
        return new long[] {exited.wallNanos, rss};
    }

    /** /metrics of about 400 series against /-/healthy of the same server: the HTTP round trip. */
    private void scrape() throws Exception {
        int port = freePort();
        List<String> lines = new ArrayList<>(List.of("pulse.service=scrape", "pulse.http.host=127.0.0.1",
                "pulse.http.port=" + port, "pulse.sample.interval=1s"));
        for (int i = 0; i < ScrapeTarget.OPERATIONS; i++) {
            lines.add("pulse.timer.op" + i + "=dev.pulse.bench.ScrapeTarget$Operations#op" + i);
        }
        for (int i = 0; i < ScrapeTarget.QUEUES; i++) {
            lines.add("pulse.queue.q" + i + "=dev.pulse.bench.ScrapeTarget$Queues#q" + i);
        }
        Path config = write("scrape.properties", lines.toArray(new String[0]));
        Process target = startTarget(config, ScrapeTarget.class, List.of());
        try {
            String body = get(port, "/metrics");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!body.contains("pulse_queue_depth{queue_name=\"q9\"") && System.nanoTime() < deadline) {
                Thread.sleep(100);
                body = get(port, "/metrics");
            }
            long series = Arrays.stream(body.split("\n")).filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
            int rounds = quick ? 300 : 2000;
            for (int i = 0; i < rounds / 2; i++) {
                get(port, "/metrics");
                get(port, "/-/healthy");
            }
            long[] metrics = new long[rounds];
            long[] healthy = new long[rounds];
            for (int i = 0; i < rounds; i++) {
                long start = System.nanoTime();
                get(port, "/metrics");
                long middle = System.nanoTime();
                get(port, "/-/healthy");
                metrics[i] = middle - start;
                healthy[i] = System.nanoTime() - middle;
            }
            double scrape = median(metrics) / 1e6;
            double floor = median(healthy) / 1e6;
            line("scrape of " + series + " series (median)", ms(scrape), ms(floor), ratio(scrape / floor),
                    target(scrape <= 1.0, "<= 1 ms") + "  baseline: GET /-/healthy");
        } finally {
            target.destroy();
            target.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** CPU of the sampler threads per pass over 100 queues, as a share of a core at a 5 s interval. */
    private void sampler() throws Exception {
        long intervalMillis = 250;
        long runMillis = quick ? 5_000 : 20_000;
        List<String> lines = new ArrayList<>(List.of("pulse.service=sampler", "pulse.http.port=0",
                "pulse.sample.interval=" + intervalMillis + "ms"));
        for (int i = 0; i < SamplerTarget.QUEUES; i++) {
            lines.add("pulse.queue.q" + i + "=dev.pulse.bench.SamplerTarget$Queues#q" + i);
        }
        Path config = write("sampler.properties", lines.toArray(new String[0]));
        Process target = startTarget(config, SamplerTarget.class, List.of(Long.toString(runMillis)));
        long cpu = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("sampler-cpu-ns ")) {
                    cpu = Long.parseLong(line.substring("sampler-cpu-ns ".length()));
                }
            }
        } finally {
            target.waitFor(30, TimeUnit.SECONDS);
        }
        // The first pass runs at once, then one every interval.
        long passes = runMillis / intervalMillis + 1;
        double perPassMs = cpu / 1e6 / passes;
        double shareAt5s = perPassMs / 5_000 * 100;
        line("sampler CPU per pass, 100 queues", ms(perPassMs), "", "", "");
        line("sampler CPU at a 5 s interval", String.format(Locale.ROOT, "%.4f %%", shareAt5s), "0.1 %",
                ratio(shareAt5s / 0.1), target(shareAt5s < 0.1, "< 0.1% of a core"));
    }

    /**
     * CPU of the sampler threads per pass over {@value PoolsTarget#POOLS} thread pools of the kinds
     * Pulse reads, 500 threads in all (JDK executors, ForkJoinPools, kotlinx.coroutines'
     * scheduler, a virtual-thread executor on JDK 21+), as a share of a core at a 5 s interval;
     * beside it the same JVM with no pool, each run for the same time at the same interval.
     */
    private void executorsSampler() throws Exception {
        long intervalMillis = 250;
        long runMillis = quick ? 5_000 : 20_000;
        Path config = write("executors.properties", "pulse.service=executors", "pulse.http.port=0",
                "pulse.sample.interval=" + intervalMillis + "ms");
        long passes = runMillis / intervalMillis + 1;
        double poolsMs = samplerCpu(config, PoolsTarget.class, List.of(Long.toString(runMillis), "pools"))
                / 1e6 / passes;
        double noneMs = samplerCpu(config, PoolsTarget.class, List.of(Long.toString(runMillis), "none"))
                / 1e6 / passes;
        double poolsShare = poolsMs / 5_000 * 100;
        double noneShare = noneMs / 5_000 * 100;
        line("sampler CPU per pass, 20 pools", ms(poolsMs), ms(noneMs), ratio(poolsMs / noneMs),
                "(info)  baseline: no pool");
        line("same at a 5 s interval", String.format(Locale.ROOT, "%.4f %%", poolsShare),
                String.format(Locale.ROOT, "%.4f %%", noneShare), ratio(poolsShare / 0.1),
                target(poolsShare < 0.1, "< 0.1% of a core") + "  (500 threads)");
    }

    /** Runs the target to its end and returns the "sampler-cpu-ns" it printed. */
    private long samplerCpu(Path config, Class<?> main, List<String> args) throws Exception {
        Process target = startTarget(config, main, args);
        long cpu = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("sampler-cpu-ns ")) {
                    cpu = Long.parseLong(line.substring("sampler-cpu-ns ".length()));
                }
            }
        } finally {
            target.waitFor(30, TimeUnit.SECONDS);
        }
        if (cpu < 0) {
            throw new IllegalStateException(main.getSimpleName() + " " + args + " printed no sampler CPU");
        }
        return cpu;
    }

    private Process startTarget(Path config, Class<?> main, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(JAVA.toString(), "-Xmx256m",
                "-javaagent:" + agent + "=" + config, "-cp", classpath, main.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().keySet().removeIf(name -> name.startsWith("PULSE_") || name.startsWith("JAVA_TOOL"));
        Process process = builder.start();
        if (main == ScrapeTarget.class) {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("ready")) {
                process.destroyForcibly();
                throw new IllegalStateException("the scrape target did not start");
            }
        }
        return process;
    }

    private static String get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(path + ": HTTP " + response.statusCode());
        }
        return response.body();
    }

    // ---- helpers ---------------------------------------------------------------------------

    private Path write(String name, String... lines) throws IOException {
        Path file = work.resolve(name);
        Files.write(file, List.of(lines), StandardCharsets.UTF_8);
        return file;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    private void line(String figure, String value, String baseline, String ratio, String target) {
        String line = String.format(Locale.ROOT, "%-34s %14s %14s %9s  %s", figure, value, baseline, ratio, target);
        report.add(line);
        System.out.println("pulse bench: " + line.trim().replaceAll(" {2,}", "  "));
    }

    private static String target(boolean met, String target) {
        return target + (met ? "  met" : "  NOT MET");
    }

    private static String ns(double value) {
        return String.format(Locale.ROOT, "%.1f ns", value);
    }

    private static String ms(double value) {
        return String.format(Locale.ROOT, "%.3f ms", value);
    }

    private static String mib(double value) {
        return String.format(Locale.ROOT, "%.1f MiB", value);
    }

    private static String bytes(double value) {
        return String.format(Locale.ROOT, "%.2f B", value);
    }

    private static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2fx", value);
    }

    private static String machine() {
        int cores = Runtime.getRuntime().availableProcessors();
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the model stays unknown
        }
        return cpu + ", " + cores + " cores, " + System.getProperty("os.name") + ", java "
                + System.getProperty("java.version");
    }
}
