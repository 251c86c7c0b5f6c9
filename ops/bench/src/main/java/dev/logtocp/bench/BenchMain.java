package dev.logtocp.bench;

import dev.logtocp.simulator.CapacityModel;
import io.confluent.parallelconsumer.ParallelConsumerOptions.CommitMode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark: the same commands, keys, concurrency and Logto latency for this processor, the parallel-consumer
 * peer and a naive consumer, one after another, on one broker and one simulator (each in a child JVM). Prints a
 * table and writes JSON and PNG charts under {@code --out/<timestamp>/}. Nothing here asserts a speed.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Compares the processor, parallel-consumer and a naive consumer on a broker and the Logto simulator.")
public final class BenchMain implements Callable<Integer> {

    @Option(
            names = "--profile",
            defaultValue = "quick",
            description = "quick (a few minutes) or full (the whole sweep). Default: ${DEFAULT-VALUE}")
    String profile;

    @Option(names = "--n", description = "Commands per burst (overrides the profile).")
    Integer n;

    @Option(names = "--concurrency", split = ",", description = "C values (overrides the profile).")
    List<Integer> concurrency;

    @Option(names = "--latency", split = ",", description = "L values in ms (overrides the profile).")
    List<Integer> latency;

    @Option(names = "--keys", split = ",", description = "K values (overrides the profile).")
    List<Integer> keys;

    @Option(
            names = "--systems",
            split = ",",
            defaultValue = "processor,peer,naive",
            description =
                    "Systems to run, in order: processor, processor-conn (LOGTO_MAX_CONNECTIONS=C), processor-fixed:N (a fixed limit of N Logto calls), peer, peer-tx, naive. Default: ${DEFAULT-VALUE}")
    List<String> systems;

    @Option(
            names = "--processor-env",
            description = "Extra processor settings, KEY=VALUE (repeatable), e.g. LOGTO_MAX_CONNECTIONS=256.")
    Map<String, String> processorEnv = new HashMap<>();

    @Option(
            names = "--paced-seconds",
            defaultValue = "8",
            description = "Length of the paced (latency) phase. Default: ${DEFAULT-VALUE}")
    double pacedSeconds;

    @Option(
            names = "--paced-rate",
            defaultValue = "0",
            description =
                    "Rate of the paced (latency) phase, commands/s; 0: half the burst throughput. Default: ${DEFAULT-VALUE}")
    double pacedRate;

    @Option(
            names = "--naive-seconds",
            defaultValue = "8",
            description =
                    "The naive burst is capped at this many seconds of its 1/L ceiling. Default: ${DEFAULT-VALUE}")
    double naiveSeconds;

    @Option(
            names = "--burst-seconds",
            defaultValue = "10",
            description =
                    "A burst is capped at this many seconds of its bound min(C,K)/L, so slow corners of the full sweep (C=16, L=100 ms, K=10) do not take minutes. Default: ${DEFAULT-VALUE}")
    double burstSeconds;

    @Option(
            names = "--simulator-heap",
            defaultValue = "8g",
            description =
                    "-Xmx of the simulator child JVM; it keeps every user created (about 1.6 KB each), so long backlog runs need room. Default: ${DEFAULT-VALUE}")
    String simulatorHeap;

    @Option(
            names = "--partitions",
            defaultValue = "6",
            description = "Partitions of the command and outcome topics. Default: ${DEFAULT-VALUE}")
    int partitions;

    @Option(
            names = "--replot",
            description = "Only draw the charts of an earlier run again from its results.json (a results directory).")
    Path replot;

    @Option(
            names = "--simulator-only",
            description = "Only measure the simulator's own request rate (no Kafka systems).")
    boolean simulatorOnly;

    @Option(
            names = "--simulator-concurrency",
            split = ",",
            defaultValue = "64,256",
            description = "Concurrency of --simulator-only. Default: ${DEFAULT-VALUE}")
    List<Integer> simulatorConcurrency;

    @Option(
            names = "--simulator-seconds",
            defaultValue = "10",
            description = "Duration of each --simulator-only run. Default: ${DEFAULT-VALUE}")
    double simulatorSeconds;

    @Option(
            names = "--restart",
            description =
                    "Measure restart time instead: kill -9 a processor child JVM under load, with a prefilled ledger (C, L, K: first of each).")
    boolean restart;

    @Option(
            names = "--restart-rate",
            defaultValue = "300",
            description = "Paced load during --restart, commands/s. Default: ${DEFAULT-VALUE}")
    double restartRate;

    @Option(
            names = "--restart-ledger",
            defaultValue = "1000000",
            description =
                    "Synthetic idempotency-ledger entries written before --restart starts the processor, so both instances restore that many. Default: ${DEFAULT-VALUE}")
    int restartLedger;

    @Option(
            names = "--restart-dynamic",
            description =
                    "Run --restart with dynamic group membership (no KAFKA_CLIENT_GROUP_INSTANCE_ID), for comparison with the static default.")
    boolean restartDynamic;

    @Option(
            names = "--backlog",
            description =
                    "Measure the heap of a processor child JVM instead: this many commands written before it starts (C, L, K: first of each).")
    Integer backlog;

    @Option(
            names = "--backlog-seconds",
            defaultValue = "60",
            description = "Longest --backlog window, from launching the processor. Default: ${DEFAULT-VALUE}")
    double backlogSeconds;

    @Option(
            names = "--backlog-heap",
            defaultValue = "512m",
            description = "Maximum heap (-Xmx) of the --backlog processor child JVM. Default: ${DEFAULT-VALUE}")
    String backlogHeap;

    @Option(
            names = "--sample-threads",
            description =
                    "Regex of thread names to stack-sample during each burst (a wall-clock profile), e.g. 'command-loop|vert.x-eventloop'.")
    String sampleThreads;

    @Option(
            names = "--jvm-warmup",
            defaultValue = "20000",
            description =
                    "Commands of one unrecorded run per system before the sweep, so the JIT (C2 included) has compiled the hot paths before anything is measured; 0 turns it off. Default: ${DEFAULT-VALUE}")
    int jvmWarmup;

    @Option(names = "--no-jvm-warmup", description = "Same as --jvm-warmup 0.")
    boolean noJvmWarmup;

    @Option(
            names = "--capacity",
            description =
                    "Run against the simulator's capacity model instead of a fixed latency, e.g. logto or logto,scale=10; capacity is halved at a third of the run and restored at two thirds (C, K: first of each).")
    String capacity;

    @Option(
            names = "--capacity-seconds",
            defaultValue = "60",
            description = "Length of a --capacity run. Default: ${DEFAULT-VALUE}")
    int capacitySeconds;

    @Option(
            names = "--out",
            defaultValue = "ops/bench-results",
            description = "Results root. Default: ${DEFAULT-VALUE}")
    Path out;

    @Option(
            names = "--work-dir",
            defaultValue = "ops/bench/target/bench-work",
            description = "Broker data and child logs. Default: ${DEFAULT-VALUE}")
    Path workDir;

    /** Where the last call wrote its results; for the smoke test. */
    Path resultDir;
    /** The last call's results; for the smoke test. */
    final List<RunResult> results = new ArrayList<>();

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (replot != null) {
            JsonObject run = new JsonObject(Files.readString(replot.resolve("results.json")));
            Report.plot(run.getJsonArray("results"), replot);
            BenchRunner.say("charts drawn again in " + replot);
            return 0;
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        JsonObject header = header();
        try (BenchEnvironment env = BenchEnvironment.start(workDir, partitions, simulatorHeap)) {
            BenchRunner.say("broker " + env.bootstrap() + ", simulator " + env.simulator.endpoint() + " (pid "
                    + env.simulator.pid() + "), load average " + ResourceMeter.loadAverage());
            if (simulatorOnly) {
                JsonArray rows = new JsonArray();
                // A fresh child JVM answers slowly until its JIT has run; that is not the number to publish.
                SimulatorLoad.run(env.simulator, simulatorConcurrency.get(0), 3);
                for (int c : simulatorConcurrency) {
                    SimulatorLoad.Result r = SimulatorLoad.run(env.simulator, c, simulatorSeconds);
                    BenchRunner.say(String.format(
                            "simulator only, concurrency %d: %.0f requests/s (p50 %.2f ms, p99 %.2f ms, %d errors)",
                            c, r.perSecond(), r.p50Ms(), r.p99Ms(), r.errors()));
                    rows.add(r.toJson());
                }
                header.put("mode", "simulator-only").put("simulator", rows);
                resultDir = Report.write(
                        out,
                        stamp,
                        "simulator",
                        header.put("loadAverageAfter", ResourceMeter.loadAverage()),
                        List.of());
                BenchRunner.say("results in " + resultDir);
                return 0;
            }
            if (capacity != null) {
                CapacityModel model = CapacityModel.parse(capacity);
                JsonArray rows = new JsonArray();
                for (Scenario s : scenarios()) {
                    for (String system : systems) {
                        rows.add(CapacityProbe.run(env, factory(system), s, model, capacitySeconds));
                    }
                }
                header.put("mode", "capacity")
                        .put("capacity", rows)
                        .put("loadAverageAfter", ResourceMeter.loadAverage());
                resultDir = Report.write(out, stamp, "capacity", header, List.of());
                BenchRunner.say("results in " + resultDir);
                return 0;
            }
            if (restart || backlog != null) {
                Scenario s = scenarios().get(0);
                JsonObject probe = restart
                        ? RestartProbe.run(env, s, restartRate, restartLedger, !restartDynamic, processorEnv)
                        : BacklogProbe.run(env, s, backlog, backlogSeconds, backlogHeap, processorEnv);
                header.put("mode", restart ? "restart" : "backlog")
                        .put(restart ? "restart" : "backlog", probe)
                        .put("loadAverageAfter", ResourceMeter.loadAverage());
                resultDir = Report.write(out, stamp, restart ? "restart" : "backlog", header, List.of());
                BenchRunner.say("results in " + resultDir);
                return 0;
            }
            BenchRunner runner = new BenchRunner(env, pacedSeconds, pacedRate, sampleThreads);
            if (jvmWarmup > 0 && !noJvmWarmup) {
                Scenario first = scenarios().get(0);
                Scenario warm = new Scenario(jvmWarmup, first.concurrency(), first.latencyMs(), first.keys());
                for (String system : systems) {
                    if (!system.equals("naive")) {
                        BenchRunner.say("JVM warm-up (not recorded, " + jvmWarmup + " commands): " + system);
                        runner.run(factory(system), warm, Integer.MAX_VALUE);
                    }
                }
            }
            Map<Integer, RunResult> naiveByLatency = new LinkedHashMap<>();
            for (Scenario scenario : scenarios()) {
                for (String system : systems) {
                    if (system.equals("naive")) {
                        // One at a time: C and K do not matter, so one run per L serves every scenario with it.
                        RunResult naive = naiveByLatency.get(scenario.latencyMs());
                        if (naive == null) {
                            int cap = (int) Math.max(100, naiveSeconds * 1000.0 / Math.max(1, scenario.latencyMs()));
                            naive = runner.run(NaiveSystem::new, scenario, cap);
                            naiveByLatency.put(scenario.latencyMs(), naive);
                            results.add(naive);
                        }
                        continue;
                    }
                    int cap = (int) Math.max(1_000, burstSeconds * scenario.boundPerSecond());
                    results.add(runner.run(factory(system), scenario, cap));
                }
            }
        }
        header.put("loadAverageAfter", ResourceMeter.loadAverage());
        Report.printTable(results);
        resultDir = Report.write(out, stamp, "", header, results);
        BenchRunner.say("results in " + resultDir + " (and " + out.resolve("latest.json") + ")");
        return 0;
    }

    private Supplier<SystemUnderTest> factory(String system) {
        return switch (system) {
            case "processor" -> () -> new ProcessorSystem(processorEnv);
            case "processor-conn" -> () -> new ProcessorSystem(processorEnv, true);
            case "peer" -> () -> new PeerSystem(CommitMode.PERIODIC_CONSUMER_ASYNCHRONOUS);
            case "peer-tx" -> () -> new PeerSystem(CommitMode.PERIODIC_TRANSACTIONAL_PRODUCER);
            default -> system.startsWith("processor-fixed:") ? fixedProcessor(system) : unknown(system);
        };
    }

    /** {@code processor-fixed:N}: the processor with a fixed limit of N calls (LOGTO_CONCURRENCY=fixed, MAX_IN_FLIGHT=N). */
    private Supplier<SystemUnderTest> fixedProcessor(String system) {
        Map<String, String> env = new HashMap<>(processorEnv);
        env.put("LOGTO_CONCURRENCY", "fixed");
        env.put("MAX_IN_FLIGHT", system.substring("processor-fixed:".length()));
        String name = "processor-fixed-" + env.get("MAX_IN_FLIGHT");
        return () -> ProcessorSystem.variant(name, env);
    }

    private Supplier<SystemUnderTest> unknown(String system) {
        throw new CommandLine.ParameterException(new CommandLine(this), "unknown system: " + system);
    }

    List<Scenario> scenarios() {
        boolean full = profile.equals("full");
        if (!full && !profile.equals("quick")) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--profile must be quick or full");
        }
        // 20,000 in both: a burst of 5,000 lasts under a second at these rates, too short to compare systems.
        int count = n != null ? n : 20_000;
        List<Integer> cs = concurrency != null ? concurrency : full ? List.of(16, 64, 256, 1024) : List.of(64, 256);
        List<Integer> ls = latency != null ? latency : full ? List.of(5, 20, 100) : List.of(20);
        List<Integer> ks = keys != null ? keys : full ? List.of(10, 1_000, 100_000) : List.of(1_000, 100_000);
        List<Scenario> out = new ArrayList<>();
        for (int l : ls) {
            for (int k : ks) {
                for (int c : cs) {
                    out.add(new Scenario(count, c, l, k));
                }
            }
        }
        return out;
    }

    private JsonObject header() throws IOException {
        Path loadavg = Path.of("/proc/loadavg");
        return new JsonObject()
                .put("startedAt", Instant.now().toString())
                .put("profile", profile)
                .put("availableProcessors", Runtime.getRuntime().availableProcessors())
                .put("loadAverageBefore", ResourceMeter.loadAverage())
                .put(
                        "procLoadavgBefore",
                        Files.exists(loadavg) ? Files.readString(loadavg).trim() : "")
                .put("java", System.getProperty("java.version"))
                .put("maxHeapMiB", Runtime.getRuntime().maxMemory() / 1048576)
                .put("partitions", partitions)
                .put("pacedSeconds", pacedSeconds)
                .put("pacedRate", pacedRate)
                .put("jvmWarmupCommands", noJvmWarmup ? 0 : Math.max(0, jvmWarmup))
                .put("processorEnv", new JsonObject(new HashMap<>(processorEnv)))
                .put(
                        "notes",
                        "throughput/CPU/heap from the burst phase (all commands at once); latency p50/p95/p99 from "
                                + "the paced phase at half the burst throughput, record timestamp to outcome seen by a "
                                + "read_committed consumer. cpuSecondsPer1000 = bench JVM CPU minus harness threads; broker "
                                + "and simulator run in child JVMs, their burst CPU is brokerCpuSecondsPer1000 and "
                                + "simulatorCpuSecondsPer1000; machineCpuSecondsPer1000 = bench JVM (harness included) + broker "
                                + "+ simulator (-1: not reported by the OS). naive runs once per L (C, K do not apply) with a capped burst.");
    }
}
