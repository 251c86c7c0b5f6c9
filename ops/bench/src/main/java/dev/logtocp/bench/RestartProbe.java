package dev.logtocp.bench;

import dev.logtocp.processor.Main;
import dev.logtocp.topics.TopicContract;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Restart time: the processor runs as a child JVM ({@link Main}) under steady paced load; it is killed with
 * SIGKILL and a new one started at once with the same settings (same instance id, so the same transactional id).
 * The figure is the time from the kill to the first outcome of a command the new instance read. With the
 * classic consumer group protocol that includes waiting for the group coordinator to expel the dead member.
 */
final class RestartProbe {
    private RestartProbe() {
    }

    static JsonObject run(BenchEnvironment env, Scenario scenario, double rate, Map<String, String> overrides)
            throws InterruptedException {
        String runId = "rs" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        TopicContract topics = env.topicsFor(runId);
        env.simulator.reset();
        env.simulator.setLatency(scenario.latencyMs());
        Map<String, String> config = processorEnv(env, topics, runId, scenario, overrides);
        int count = (int) (rate * 240);
        Phase phase = new Phase("steady", count);
        try (OutcomeWatcher watcher = new OutcomeWatcher(env, topics.outcomes(), runId);
             LoadDriver load = new LoadDriver(env, topics.commands(), runId, scenario.keys())) {
            watcher.watch(phase);
            Process first = start(config, env.workDir().resolve("restart-" + runId + "-a.log"));
            Thread sender = new Thread(() -> load.send(phase, rate), "bench-restart-load");
            sender.setDaemon(true);
            sender.start();
            try {
                long steadyBy = System.currentTimeMillis() + 90_000;
                while (phase.arrived() < rate * 5 && System.currentTimeMillis() < steadyBy) {
                    Thread.sleep(100);
                }
                int before = phase.arrived();
                long killedAt = System.currentTimeMillis();
                watcher.mark(killedAt);
                first.destroyForcibly();
                first.waitFor(10, TimeUnit.SECONDS);
                Process second = start(config, env.workDir().resolve("restart-" + runId + "-b.log"));
                try {
                    long giveUp = killedAt + 180_000;
                    while (watcher.firstAfterMark() == 0 && System.currentTimeMillis() < giveUp) {
                        Thread.sleep(20);
                    }
                    long first2 = watcher.firstAfterMark();
                    // Let the new instance catch up for a moment so duplicates (if any) would show.
                    Thread.sleep(3_000);
                    JsonObject result = new JsonObject()
                            .put("scenario", scenario.label())
                            .put("rateCommandsPerSecond", rate)
                            .put("outcomesBeforeKill", before)
                            .put("killToFirstNewOutcomeMs", first2 == 0 ? -1 : first2 - killedAt)
                            .put("outcomesAfter3sCatchUp", phase.arrived())
                            .put("duplicateOutcomes", phase.duplicates())
                            .put("processorEnv", new JsonObject(new HashMap<>(overrides)));
                    BenchRunner.say("restart: kill -9 to first new outcome " + result.getLong("killToFirstNewOutcomeMs")
                            + " ms; duplicates seen by read_committed: " + phase.duplicates());
                    return result;
                } finally {
                    second.destroy();
                    if (!second.waitFor(30, TimeUnit.SECONDS)) {
                        second.destroyForcibly();
                    }
                }
            } finally {
                if (first.isAlive()) {
                    first.destroyForcibly();
                }
                load.stop();
                // The sender must be done before the producer closes with the try block.
                sender.join(10_000);
            }
        } finally {
            env.dropTopics(topics);
        }
    }

    private static Map<String, String> processorEnv(BenchEnvironment env, TopicContract topics, String runId,
                                                    Scenario scenario, Map<String, String> overrides) {
        Map<String, String> e = new HashMap<>();
        e.put("KAFKA_BOOTSTRAP_SERVERS", env.bootstrap());
        e.put("SCHEMA_REGISTRY_URL", env.registry.url());
        e.put("KAFKA_GROUP_ID", "bench-restart-" + runId);
        e.put("PROCESSOR_INSTANCE_ID", "bench-restart");
        e.put("COMMAND_TOPICS", topics.commands());
        e.put("OUTCOME_TOPIC", topics.outcomes());
        e.put("AUDIT_TOPIC", topics.audit());
        e.put("DEAD_LETTER_TOPIC", topics.deadLetters());
        e.put("LOGTO_ENDPOINT", env.simulator.endpoint());
        e.put("LOGTO_M2M_APP_ID", env.simulator.appId());
        e.put("LOGTO_M2M_APP_SECRET", env.simulator.appSecret());
        e.put("LOGTO_RESOURCE", env.simulator.resource());
        e.put("MAX_IN_FLIGHT", Integer.toString(scenario.concurrency()));
        e.putAll(overrides);
        return e;
    }

    private static Process start(Map<String, String> config, Path log) {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(javaBin, "-Xmx512m", "-XX:+UseG1GC",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(config);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
