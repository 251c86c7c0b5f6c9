package dev.logtocp.bench;

import dev.logtocp.ops.stack.KafkaBrokerProcess;
import dev.logtocp.registry.RegistryServerConfig;
import dev.logtocp.registry.SchemaRegistryServer;
import dev.logtocp.topics.TopicContract;
import dev.logtocp.topics.TopicProvisioner;
import dev.logtocp.topics.TopicSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * What every run shares: a real broker and the Logto simulator, each in its own child JVM so the bench process's
 * CPU and heap figures hold only the system under test and the load harness, plus the schema registry (in this
 * JVM; it only answers a handful of lookups per run, the serdes cache the rest).
 */
final class BenchEnvironment implements AutoCloseable {
    final KafkaBrokerProcess broker;
    final SimulatorProcess simulator;
    final SchemaRegistryServer registry;
    final Admin admin;
    final int partitions;
    private final Path workDir;

    private BenchEnvironment(Path workDir, int partitions, String simulatorHeap) {
        this.workDir = workDir;
        this.partitions = partitions;
        deleteRecursively(workDir.resolve("kafka"));
        broker = KafkaBrokerProcess.start(workDir.resolve("kafka"), Duration.ofSeconds(120));
        try {
            simulator = SimulatorProcess.start(workDir.resolve("simulator.log"), Duration.ofSeconds(60), simulatorHeap);
            registry = SchemaRegistryServer.start(RegistryServerConfig.of(broker.bootstrapServers()));
            admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** Starts broker and simulator (fresh broker storage under {@code workDir}) and the registry. */
    static BenchEnvironment start(Path workDir, int partitions, String simulatorHeap) {
        return new BenchEnvironment(workDir, partitions, simulatorHeap);
    }

    String bootstrap() {
        return broker.bootstrapServers();
    }

    /**
     * Fresh topics for one run (command, outcome, audit, dead-letter, and the processor's ledger and references
     * topics, created as the contract specifies them), so no run reads another's records.
     */
    TopicContract topicsFor(String runId) {
        TopicContract topics = new TopicContract(
                "bench-commands-" + runId,
                "bench-outcomes-" + runId,
                "bench-audit-" + runId,
                "bench-dlq-" + runId,
                partitions,
                (short) 1);
        TopicProvisioner.createMissing(admin, topics);
        return topics;
    }

    /**
     * Deletes all of a run's topics, ledger and references included, so the broker's page cache and disk do not
     * fill up over a long sweep or after a large ledger prefill.
     */
    void dropTopics(TopicContract topics) {
        try {
            admin.deleteTopics(topics.topics().stream().map(TopicSpec::name).toList())
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Leftover topics cost disk only; the next run uses new names anyway.
        }
    }

    Path workDir() {
        return workDir;
    }

    @Override
    public void close() {
        closeQuietly(admin);
        closeQuietly(registry);
        closeQuietly(simulator);
        closeQuietly(broker);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            System.err.println("[bench] close failed: " + e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
