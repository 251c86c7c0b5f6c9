package dev.logtocp.processor.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.commands.UserCustomDataMerge;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import dev.logtocp.contract.ApiClient;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The promise about Logto itself, under the faults that broke it before: three processor instances as child JVMs,
 * every user's commands changing the same field one after another (0-50 ms apart), and
 * <ul>
 *   <li>a storm of ambiguous timeouts (applied, never answered) while an instance is killed and the group
 *       rebalances;</li>
 *   <li>an owner frozen with SIGSTOP in the middle of its retries, kept frozen until the group has given its
 *       partitions to the others and they have moved the same users on, then woken up with every retry due;</li>
 *   <li>a {@code kill -9} while users' commands are queued back to back.</li>
 * </ul>
 * Judged from Logto's side ({@link LogtoSideVerdict}): every user's final value is its last command's, and the
 * changes Logto saw, attributed to idempotency keys, never go backwards; and from the topics: one outcome per
 * command. A negative control then writes one stale change itself, as a stale owner would, and the same verdict
 * must fail.
 */
class FencingChaosIT {
    private static final int INSTANCES = 3;
    private static final int PARTITIONS = 6;
    private static final int USERS = 150;
    private static final int ROUNDS = 10;
    private static final String ISSUER = "fence-suite";
    private static final long SEED = 20_261_202L;
    private static final Duration FREEZE = Duration.ofSeconds(12);
    private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(4);
    private static final Path WORK_DIR =
            Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("fencing-chaos");

    private static KafkaTestCluster kafka;
    private static SchemaRegistryServer registry;
    private static LogtoSimulator logto;
    private static ProcessorFleet fleet;
    private static KafkaProducer<String, Object> producer;
    private static TopicContract topics;
    private static ApiClient api;
    private static String groupId;
    private static String runId;
    private static GroupWatch watch;
    private static final AtomicInteger SEND_FAILURES = new AtomicInteger();

    @BeforeAll
    static void startStack() throws IOException {
        Files.createDirectories(WORK_DIR);
        try (var old = Files.list(WORK_DIR)) {
            for (Path p : old.toList()) {
                Files.deleteIfExists(p);
            }
        }
        runId = UUID.randomUUID().toString().replace("-", "").substring(0, 6);
        kafka = KafkaTestCluster.start(1);
        topics = new TopicContract(
                "fence.commands", "fence.outcomes", "fence.audit", "fence.dlq", PARTITIONS, (short) 1);
        TopicProvisioner.createMissing(kafka.admin(), topics);
        registry = SchemaRegistryServer.start(
                RegistryServerConfig.of(kafka.bootstrapServers()).withTopic("_schemas-fence"));
        logto = LogtoSimulator.start(SimulatorConfig.defaults());
        api = new ApiClient(logto.endpoint(), logto.appId(), logto.appSecret(), logto.resource());

        WireFormatSerializer serializer = new WireFormatSerializer();
        serializer.configure(
                Map.of("schema.registry.url", registry.url(), "value.subject.name.strategy", "record"), false);
        producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all", "linger.ms", "5"),
                new StringSerializer(),
                serializer);

        groupId = "fence-processor-" + runId;
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("KAFKA_GROUP_ID", groupId);
        env.put("SCHEMA_REGISTRY_URL", registry.url());
        env.put("LOGTO_ENDPOINT", logto.endpoint());
        env.put("LOGTO_M2M_APP_ID", logto.appId());
        env.put("LOGTO_M2M_APP_SECRET", logto.appSecret());
        env.put("LOGTO_RESOURCE", logto.resource());
        // Ambiguous timeouts never answer: the request timeout decides when the retry fires.
        env.put("LOGTO_REQUEST_TIMEOUT_MS", "1000");
        env.put("COMMAND_TOPICS", topics.commands());
        env.put("OUTCOME_TOPIC", topics.outcomes());
        env.put("AUDIT_TOPIC", topics.audit());
        env.put("DEAD_LETTER_TOPIC", topics.deadLetters());
        env.put("LEDGER_TOPIC", topics.ledger());
        env.put("MAX_ATTEMPTS", "30");
        env.put("RETRY_BASE_DELAY_MS", "50");
        env.put("RETRY_MAX_DELAY_MS", "400");
        env.put("SHUTDOWN_TIMEOUT_MS", "5000");
        env.put("BREAKER_FAILURE_THRESHOLD", "100000");
        env.put("KAFKA_CLIENT_SESSION_TIMEOUT_MS", "6000");
        env.put("KAFKA_CLIENT_HEARTBEAT_INTERVAL_MS", "1000");
        fleet = new ProcessorFleet(INSTANCES, env, WORK_DIR);
        watch = new GroupWatch(kafka.admin(), kafka.bootstrapServers(), groupId, topics.commands(), PARTITIONS);
    }

    @AfterAll
    static void stopStack() {
        quietly(() -> fleet.close());
        quietly(() -> producer.close(Duration.ofSeconds(5)));
        quietly(() -> logto.close());
        quietly(() -> registry.close());
        quietly(() -> kafka.close());
    }

    @Test
    void noStaleOrBackwardsWriteReachesLogtoAndTheVerdictCatchesOneThatDoes() throws Exception {
        Instant started = Instant.now();
        Random random = new Random(SEED);
        List<String> usernames = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            usernames.add("fence_" + runId + "_" + u);
        }
        Map<String, Object[]> planned = new HashMap<>();
        baseFaults();
        fleet.startAll();
        watch.awaitMembersWithPartitions(INSTANCES, Duration.ofMinutes(2), WORK_DIR);

        for (String username : usernames) {
            send(
                    username,
                    UserCreate.newBuilder()
                            .setMeta(meta("create-" + username))
                            .setUsername(username)
                            .build(),
                    planned,
                    0);
        }
        producer.flush();
        Map<String, String> ids = awaitUsers(usernames);
        log("%d users created", ids.size());

        // Round 1-4 flowing, then an ambiguous-timeout storm while an instance dies and the group rebalances.
        sendRounds(usernames, 1, 4, planned, random);
        ambiguousStorm(0.3);
        Thread.sleep(700);
        fleet.kill(0);
        log("killed slot 0 during an ambiguous-timeout storm");
        Thread.sleep(1000);
        baseFaults();
        fleet.start(0);

        // Rounds 5-6, then an owner frozen mid-retry: calls time out (ambiguously) and its retries are pending.
        sendRounds(usernames, 5, 6, planned, random);
        if (!watch.awaitOwnsPartitions(1, Duration.ofSeconds(30))) {
            log("slot 1 owns no partitions after 30 s; freezing it anyway");
        }
        ambiguousStorm(0.4);
        Thread.sleep(1200);
        fleet.freeze(1);
        Instant frozenAt = Instant.now();
        log("froze slot 1 in the middle of its retries");
        baseFaults();

        // While it is frozen the group gives its partitions away and the others move the same users on, back to
        // back; then an instance is killed with those commands queued.
        Thread.sleep(7000);
        sendRounds(usernames, 7, ROUNDS, planned, random);
        Thread.sleep(300);
        fleet.kill(2);
        log("killed slot 2 with same-field commands queued back to back");
        Thread.sleep(1000);
        fleet.start(2);
        long left = FREEZE.minus(Duration.between(frozenAt, Instant.now())).toMillis();
        if (left > 0) {
            Thread.sleep(left);
        }
        fleet.resume(1);
        log(
                "woke slot 1 after %d s frozen",
                Duration.between(frozenAt, Instant.now()).toSeconds());

        awaitSettled();
        // A stale retry would fire at the wake; give it every chance to land before judging.
        Thread.sleep(3000);
        logto.faults().clear();
        assertThat(SEND_FAILURES.get())
                .as("commands the test could not produce")
                .isZero();

        Map<String, Integer> outcomeCounts = new HashMap<>();
        Map<String, Integer> lastSucceeded = new HashMap<>();
        List<String> notSucceeded = new ArrayList<>();
        for (ConsumerRecord<String, Object> r : readOutcomes()) {
            CommandOutcome outcome = (CommandOutcome) r.value();
            outcomeCounts.merge(outcome.getCommandId(), 1, Integer::sum);
            Object[] plan = planned.get(outcome.getCommandId());
            if (plan == null) {
                continue;
            }
            int round = (int) plan[1];
            if (outcome.getStatus() == OutcomeStatus.SUCCEEDED && round > 0) {
                lastSucceeded.merge((String) plan[0], round, Math::max);
            } else if (outcome.getStatus() != OutcomeStatus.SUCCEEDED) {
                notSucceeded.add(plan[0] + "#" + round + " " + outcome.getStatus() + " " + outcome.getErrorCode());
            }
        }
        List<String> missing = planned.keySet().stream()
                .filter(id -> !outcomeCounts.containsKey(id))
                .limit(20)
                .toList();
        long several = outcomeCounts.values().stream().filter(n -> n > 1).count();

        LogtoSideVerdict verdict = judge(usernames, ids, lastSucceeded);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("users", USERS);
        figures.put("commands sent", planned.size());
        figures.put("commands without an outcome", missing.size());
        figures.put("commands with more than one outcome", several);
        figures.put("commands not SUCCEEDED", notSucceeded.size());
        figures.put("kills (kill -9)", fleet.kills());
        figures.put("frozen (SIGSTOP) for", FREEZE.toSeconds() + " s");
        figures.put("faults injected", logto.faults().injectedCounts());
        figures.put("Logto mutations", logto.state().mutations().size());
        figures.put("verdict from Logto's side", verdict);
        figures.put("wall time", Duration.between(started, Instant.now()).toSeconds() + " s");
        printFigures(figures);

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(fleet.unexpectedExits())
                .as("instances that exited on their own")
                .isEmpty();
        softly.assertThat(missing).as("commands without a committed outcome").isEmpty();
        softly.assertThat(several)
                .as("commands with more than one committed outcome")
                .isZero();
        softly.assertThat(notSucceeded).as("commands that did not succeed").isEmpty();
        softly.assertThat(verdict.wrongFinalState)
                .as("users whose final state is not their last command's")
                .isEmpty();
        softly.assertThat(verdict.backwards)
                .as("changes Logto saw out of command order")
                .isEmpty();
        softly.assertThat(verdict.repeatsNotOfLatest)
                .as("repeats other than of a user's latest command")
                .isEmpty();
        softly.assertAll();

        // Negative control: one stale write, as the frozen owner's retry would have made it, must fail the verdict.
        String victim = usernames.get(0);
        ApiClient.Response stale = api.raw(
                "PATCH",
                "/api/users/" + ids.get(victim) + "/custom-data",
                new JsonObject()
                        .put("customData", new JsonObject().put("seq", 3))
                        .encode(),
                Map.of(
                        "Authorization",
                        "Bearer " + api.token(),
                        "Content-Type",
                        "application/json",
                        "Idempotency-Key",
                        headerKey(victim, 3)),
                Duration.ofSeconds(10));
        assertThat(stale.status()).isEqualTo(200);
        LogtoSideVerdict control = judge(usernames, ids, lastSucceeded);
        log("negative control: %s", control);
        assertThat(control.holds())
                .as("the verdict fails on a planted stale write")
                .isFalse();
        assertThat(control.backwards).hasSize(1);
        assertThat(control.wrongFinalState).hasSize(1);
    }

    // ---- the workload --------------------------------------------------------------------------------------------

    private static void sendRounds(
            List<String> usernames, int from, int to, Map<String, Object[]> planned, Random random) throws Exception {
        for (int round = from; round <= to; round++) {
            for (String username : usernames) {
                send(
                        username,
                        UserCustomDataMerge.newBuilder()
                                .setMeta(meta(key(username, round)))
                                .setUser(new UserRef(UserRefKind.USERNAME, username))
                                .setCustomDataJson(
                                        new JsonObject().put("seq", round).encode())
                                .build(),
                        planned,
                        round);
            }
            producer.flush();
            Thread.sleep(random.nextInt(51));
        }
    }

    private static void send(String username, SpecificRecord command, Map<String, Object[]> planned, int round)
            throws Exception {
        CommandMeta meta = (CommandMeta) command.get(0);
        planned.put(meta.getCommandId(), new Object[] {username, round});
        producer.send(new ProducerRecord<>(topics.commands(), username, command), (metadata, error) -> {
            if (error != null) {
                SEND_FAILURES.incrementAndGet();
            }
        });
    }

    private static CommandMeta meta(String idempotencyKey) {
        return CommandMeta.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setIdempotencyKey(idempotencyKey)
                .setIssuer(ISSUER)
                .setIssuedAt(Instant.now())
                .build();
    }

    private static String key(String username, int round) {
        return "seq-" + username + "-" + round;
    }

    /** The {@code Idempotency-Key} header the processor sends for round {@code round}: scoped by issuer. */
    private static String headerKey(String username, int round) {
        return ISSUER + ":" + key(username, round);
    }

    private static void ambiguousStorm(double rate) {
        logto.faults().clear();
        logto.faults().add(FaultRule.ambiguousTimeout(rate).onMethod("PATCH"));
    }

    private static void baseFaults() {
        logto.faults().clear();
        logto.faults()
                .seed(SEED)
                .add(FaultRule.error503(0.05))
                .add(FaultRule.tooManyRequests(0.02, 1))
                .add(FaultRule.ambiguousTimeout(0.01));
    }

    // ---- the verdict from Logto's side ------------------------------------------------------------------------------

    /** Reads every user's value and change log from the simulator over HTTP, as an auditor of Logto would. */
    private static LogtoSideVerdict judge(
            List<String> usernames, Map<String, String> ids, Map<String, Integer> lastSucceeded) {
        List<LogtoSideVerdict.UserRecord> records = new ArrayList<>();
        for (String username : usernames) {
            String id = ids.get(username);
            JsonObject user = api.get("/api/users/" + id).json();
            Integer value = user.getJsonObject("customData", new JsonObject()).getInteger("seq");
            JsonArray log = api.raw(
                            "GET", "/__admin/users/" + id + "/mutations", null, Map.of(), Duration.ofSeconds(10))
                    .json()
                    .getJsonArray("mutations");
            List<Integer> changes = new ArrayList<>();
            String prefix = ISSUER + ":seq-" + username + "-";
            for (int i = 0; i < log.size(); i++) {
                JsonObject m = log.getJsonObject(i);
                String key = m.getString("idempotencyKey");
                if ("user.customData.update".equals(m.getString("operation"))
                        && key != null
                        && key.startsWith(prefix)) {
                    changes.add(Integer.parseInt(key.substring(prefix.length())));
                }
            }
            records.add(
                    new LogtoSideVerdict.UserRecord(username, value, lastSucceeded.getOrDefault(username, 0), changes));
        }
        return new LogtoSideVerdict(records);
    }

    // ---- plumbing --------------------------------------------------------------------------------------------------

    private static Map<String, String> awaitUsers(List<String> usernames) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        Map<String, String> ids = new HashMap<>();
        while (ids.size() < usernames.size()) {
            for (String username : usernames) {
                if (!ids.containsKey(username)) {
                    logto.state().findUserByUsername(username).ifPresent(u -> ids.put(username, u.getString("id")));
                }
            }
            assertThat(Instant.now())
                    .as("all users created within 2 min (logs in %s)", WORK_DIR)
                    .isBefore(deadline);
            Thread.sleep(200);
        }
        return ids;
    }

    /** Waits until the group has committed every command record (outcomes are committed with them). */
    private static void awaitSettled() throws Exception {
        Instant deadline = Instant.now().plus(SETTLE_TIMEOUT);
        for (long lag = watch.totalLag(); lag > 0; lag = watch.totalLag()) {
            if (Instant.now().isAfter(deadline)) {
                fleet.dumpThreads();
                throw new AssertionError(
                        lag + " command records uncommitted after " + SETTLE_TIMEOUT + "; logs in " + WORK_DIR);
            }
            Thread.sleep(500);
        }
    }

    private static List<ConsumerRecord<String, Object>> readOutcomes() {
        WireFormatDeserializer values = new WireFormatDeserializer();
        values.configure(Map.of("schema.registry.url", registry.url(), "specific.avro.reader", "true"), false);
        return watch.readToEnd(topics.outcomes(), new StringDeserializer(), values);
    }

    private static void printFigures(Map<String, Object> figures) {
        int width = figures.keySet().stream().mapToInt(String::length).max().orElse(10);
        StringBuilder table = new StringBuilder("\n=== fencing chaos run " + runId + " ===\n");
        figures.forEach((k, v) -> table.append(String.format("%-" + width + "s  %s%n", k, v)));
        System.out.println(table);
        try {
            Files.writeString(WORK_DIR.resolve("figures.txt"), table.toString());
        } catch (IOException e) {
            System.out.println("could not write figures.txt: " + e);
        }
    }

    private static void log(String format, Object... args) {
        System.out.printf("[fencing %s] %s%n", Instant.now(), String.format(format, args));
    }

    private static void quietly(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException | Error e) {
            System.out.println("cleanup step failed: " + e);
        }
    }
}
