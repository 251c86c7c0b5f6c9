package dev.logtocp.bench;

import dev.logtocp.processor.Main;
import dev.logtocp.topics.TopicContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The processor as shipped ({@link Main}) in a child JVM, configured through environment variables like a
 * deployment. Used where the processor must die with {@code kill -9} (restart) or where its heap and GC must be
 * its own, not mixed with the load harness's (backlog). Everything the child prints goes to its log file.
 */
final class ProcessorChild implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final long launchedAtMillis;

    private ProcessorChild(Process process, Path log, long launchedAtMillis) {
        this.process = process;
        this.log = log;
        this.launchedAtMillis = launchedAtMillis;
    }

    /**
     * The child's environment: the run's broker, registry, topics and simulator, {@code MAX_IN_FLIGHT=C}, every
     * other setting at its default, then {@code overrides} ({@code --processor-env}) on top.
     */
    static Map<String, String> settings(
            BenchEnvironment env,
            TopicContract topics,
            String groupId,
            String instanceId,
            Scenario scenario,
            Map<String, String> overrides) {
        Map<String, String> e = new HashMap<>();
        e.put("KAFKA_BOOTSTRAP_SERVERS", env.bootstrap());
        e.put("SCHEMA_REGISTRY_URL", env.registry.url());
        e.put("KAFKA_GROUP_ID", groupId);
        e.put("PROCESSOR_INSTANCE_ID", instanceId);
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

    /**
     * Launches the child on this JVM's class path with G1 and {@code -Xmx<maxHeap>}, plus {@code jvmOptions}
     * (e.g. a GC log). Returns at once; the processor is not ready yet.
     */
    static ProcessorChild start(Map<String, String> settings, String maxHeap, List<String> jvmOptions, Path log) {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(javaBin, "-Xmx" + maxHeap, "-XX:+UseG1GC"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(settings);
        try {
            long launchedAt = System.currentTimeMillis();
            return new ProcessorChild(pb.start(), log, launchedAt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Wall-clock time just before the JVM was launched: where "time since start" figures begin. */
    long launchedAtMillis() {
        return launchedAtMillis;
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or null while the child runs. */
    Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    /** {@code kill -9}: no shutdown hook, no drain, no commit. Waits (up to 10 s) until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, so the processor drains and commits; {@code kill -9} if it is still there after 30 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
