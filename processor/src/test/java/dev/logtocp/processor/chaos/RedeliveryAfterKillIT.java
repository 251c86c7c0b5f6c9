package dev.logtocp.processor.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.RoleAssign;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.registry.RegistryServerConfig;
import dev.logtocp.registry.SchemaRegistryServer;
import dev.logtocp.schema.wire.WireFormatDeserializer;
import dev.logtocp.schema.wire.WireFormatSerializer;
import dev.logtocp.simulator.FaultRule;
import dev.logtocp.simulator.LogtoSimulator;
import dev.logtocp.simulator.SimulatorConfig;
import dev.logtocp.testkit.KafkaTestCluster;
import dev.logtocp.topics.TopicContract;
import dev.logtocp.topics.TopicProvisioner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The smallest deterministic form of what {@link ChaosIT} finds statistically (FINDINGS.md, item 1): on one
 * partition, user A's command is held in 429 retries while user B's later commands finish and are committed; the
 * group offset cannot pass A's command. A {@code kill -9} and a restart of the (only) instance then re-read B's
 * commands, and each gets a second committed outcome.
 */
class RedeliveryAfterKillIT {
    private static final int B_COMMANDS = 5;
    private static final Path WORK_DIR =
            Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("chaos-redelivery");

    private static KafkaTestCluster kafka;
    private static SchemaRegistryServer registry;
    private static LogtoSimulator logto;
    private static ProcessorFleet fleet;
    private static KafkaProducer<String, Object> producer;
    private static TopicContract topics;
    private static String runId;

    @BeforeAll
    static void start() {
        runId = UUID.randomUUID().toString().replace("-", "").substring(0, 6);
        kafka = KafkaTestCluster.shared();
        // One partition: A's and B's commands share it, so A's stuck command holds the offset back for both.
        topics = new TopicContract(
                "redeliver-" + runId,
                "redeliver-out-" + runId,
                "redeliver-audit-" + runId,
                "redeliver-dlq-" + runId,
                1,
                (short) 1);
        TopicProvisioner.createMissing(kafka.admin(), topics);
        registry = SchemaRegistryServer.start(
                RegistryServerConfig.of(kafka.bootstrapServers()).withTopic("_schemas-redeliver-" + runId));
        logto = LogtoSimulator.start(SimulatorConfig.defaults());
        WireFormatSerializer serializer = new WireFormatSerializer();
        serializer.configure(
                Map.of("schema.registry.url", registry.url(), "value.subject.name.strategy", "record"), false);
        producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
                new StringSerializer(),
                serializer);
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("KAFKA_GROUP_ID", "redeliver-" + runId);
        env.put("SCHEMA_REGISTRY_URL", registry.url());
        env.put("LOGTO_ENDPOINT", logto.endpoint());
        env.put("LOGTO_M2M_APP_ID", logto.appId());
        env.put("LOGTO_M2M_APP_SECRET", logto.appSecret());
        env.put("LOGTO_RESOURCE", logto.resource());
        env.put("COMMAND_TOPICS", topics.commands());
        env.put("OUTCOME_TOPIC", topics.outcomes());
        env.put("AUDIT_TOPIC", topics.audit());
        env.put("DEAD_LETTER_TOPIC", topics.deadLetters());
        env.put("LEDGER_TOPIC", topics.ledger());
        // A keeps retrying for as long as the fault is there.
        env.put("MAX_ATTEMPTS", "1000");
        env.put("RETRY_BASE_DELAY_MS", "50");
        env.put("RETRY_MAX_DELAY_MS", "200");
        env.put("KAFKA_CLIENT_SESSION_TIMEOUT_MS", "6000");
        env.put("KAFKA_CLIENT_HEARTBEAT_INTERVAL_MS", "1000");
        fleet = new ProcessorFleet(1, env, WORK_DIR);
    }

    @AfterAll
    static void stop() {
        quietly(() -> fleet.close());
        quietly(() -> producer.close(Duration.ofSeconds(5)));
        quietly(() -> logto.close());
        quietly(() -> registry.close());
    }

    @Test
    void finishedCommandsAboveAStuckOneGetNoSecondOutcomeAfterAKill() throws Exception {
        fleet.startAll();
        String a = "redeliver_a_" + runId;
        String b = "redeliver_b_" + runId;
        List<String> setup = List.of(send(a, create(a)), send(b, create(b)));
        awaitOutcomes(setup, Duration.ofMinutes(2));
        String userA = logto.state().findUserByUsername(a).orElseThrow().getString("id");
        String role = logto.createRole("redeliver_role_" + runId);
        // Every role assignment of A answers 429 until the rule is removed.
        logto.faults().add(FaultRule.tooManyRequests(1.0, 1).onPath("^/api/users/" + userA + "/roles$"));

        String stuck = send(a, assign(a, role));
        List<String> finished = new ArrayList<>();
        for (int i = 0; i < B_COMMANDS; i++) {
            finished.add(send(b, assign(b, role)));
        }
        awaitOutcomes(finished, Duration.ofMinutes(1));

        fleet.kill(0);
        fleet.start(0);
        // Give the successor time to take the partition and re-read from the committed offset.
        awaitOutcomeCount(n -> n >= setup.size() + B_COMMANDS * 2, Duration.ofSeconds(45));
        logto.faults().clear();
        awaitOutcomes(List.of(stuck), Duration.ofMinutes(1));

        Map<String, List<String>> outcomes = outcomesByCommand();
        for (String id : finished) {
            assertThat(outcomes.get(id))
                    .as(
                            "outcomes of B's command %s, which finished before the kill while A's earlier command was stuck. "
                                    + "ENGINE FINDING (FINDINGS.md, item 1): its outcome was committed but the group offset could not "
                                    + "pass A's command, so the restarted instance re-read and re-published it",
                            id)
                    .hasSize(1);
        }
    }

    private static String send(String key, SpecificRecord command) {
        producer.send(new ProducerRecord<>(topics.commands(), key, command));
        producer.flush();
        return ((CommandMeta) command.get(0)).getCommandId();
    }

    private static UserCreate create(String username) {
        return UserCreate.newBuilder().setMeta(meta()).setUsername(username).build();
    }

    private static RoleAssign assign(String username, String role) {
        return RoleAssign.newBuilder()
                .setMeta(meta())
                .setUser(new UserRef(UserRefKind.USERNAME, username))
                .setRoleIds(List.of(role))
                .build();
    }

    private static CommandMeta meta() {
        String id = UUID.randomUUID().toString();
        return CommandMeta.newBuilder()
                .setCommandId(id)
                .setIdempotencyKey("k-" + id)
                .setIssuer("redelivery-it")
                .setIssuedAt(Instant.now())
                .build();
    }

    private static void awaitOutcomes(List<String> commandIds, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!outcomesByCommand().keySet().containsAll(commandIds)) {
            assertThat(Instant.now())
                    .as("outcomes of %s within %s (logs in %s)", commandIds, timeout, WORK_DIR)
                    .isBefore(deadline);
            Thread.sleep(250);
        }
    }

    /** Waits until the outcome count satisfies {@code done}, or the timeout passes (not an error: it may never). */
    private static void awaitOutcomeCount(Predicate<Integer> done, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (done.test(
                    outcomesByCommand().values().stream().mapToInt(List::size).sum())) {
                return;
            }
            Thread.sleep(500);
        }
    }

    /** Every committed outcome, command id to statuses in topic order. */
    private static Map<String, List<String>> outcomesByCommand() {
        WireFormatDeserializer d = new WireFormatDeserializer();
        d.configure(Map.of("schema.registry.url", registry.url(), "specific.avro.reader", "true"), false);
        Map<String, Object> p = Map.of(
                "bootstrap.servers",
                kafka.bootstrapServers(),
                "isolation.level",
                "read_committed",
                "enable.auto.commit",
                "false");
        Map<String, List<String>> out = new HashMap<>();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(p, new StringDeserializer(), d)) {
            TopicPartition tp = new TopicPartition(topics.outcomes(), 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            Instant deadline = Instant.now().plusSeconds(30);
            while (consumer.position(tp) < end && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() instanceof CommandOutcome o) {
                        out.computeIfAbsent(o.getCommandId(), k -> new ArrayList<>())
                                .add(o.getStatus().name());
                    }
                }
            }
        }
        return out;
    }

    private static void quietly(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException | Error e) {
            System.out.println("cleanup step failed: " + e);
        }
    }
}
