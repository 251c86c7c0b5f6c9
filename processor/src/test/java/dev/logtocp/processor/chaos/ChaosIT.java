package dev.logtocp.processor.chaos;

import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.processor.chaos.ChaosWorkload.Planned;
import dev.logtocp.processor.chaos.PoisonRecords.Poison;
import dev.logtocp.registry.RegistryServerConfig;
import dev.logtocp.registry.SchemaRegistryServer;
import dev.logtocp.schema.wire.WireFormatDeserializer;
import dev.logtocp.schema.wire.WireFormatSerializer;
import dev.logtocp.simulator.FaultRule;
import dev.logtocp.simulator.LogtoSimulator;
import dev.logtocp.simulator.Mutation;
import dev.logtocp.simulator.SimulatorConfig;
import dev.logtocp.testkit.KafkaTestCluster;
import dev.logtocp.topics.TopicContract;
import dev.logtocp.topics.TopicProvisioner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine under fire: three processor instances as child JVMs on a three-broker cluster, a Logto that fails
 * about one request in twelve (503, 429 with {@code Retry-After: 1}, and timeouts that still apply the change),
 * 20,000 commands over 2,000 users produced in waves, fifty planted poison records, a {@code kill -9} of an
 * instance after every wave (restarted with the same instance id) and one broker restart. Afterwards it proves,
 * from the topics and the simulator's mutation log, the four promises of the README: exactly one committed outcome
 * per command, nothing applied twice in Logto, each user's changes in command order, and every poison record in
 * the dead-letter topic exactly once with its provenance.
 *
 * <p>The figures of the run are printed as a table (and written to {@code target/chaos/figures.txt}, because
 * failsafe redirects test output to {@code target/failsafe-reports/}); processor logs are in
 * {@code target/chaos/processor-<slot>.log}.
 */
class ChaosIT {
    private static final int INSTANCES = 3;
    private static final int BROKERS = 3;
    private static final int PARTITIONS = 6;
    private static final int USERS = 2_000;
    private static final int GROUPS = 5;
    private static final int POISON_PER_KIND = 10;
    private static final int MAX_COMMAND_BYTES = 65_536;
    private static final long SEED = 20_261_123L;
    private static final Duration USERS_APPEAR_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(4);

    private static final Path WORK_DIR =
            Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("chaos");

    private static KafkaTestCluster kafka;
    private static SchemaRegistryServer registry;
    private static LogtoSimulator logto;
    private static ProcessorFleet fleet;
    private static KafkaProducer<String, Object> producer;
    private static KafkaProducer<byte[], byte[]> rawProducer;
    private static WireFormatSerializer serializer;
    private static TopicContract topics;
    private static String groupId;
    private static GroupWatch watch;
    private static String runId;

    @BeforeAll
    static void startStack() throws IOException {
        Files.createDirectories(WORK_DIR);
        try (var old = Files.list(WORK_DIR)) {
            for (Path p : old.toList()) {
                Files.deleteIfExists(p);
            }
        }
        runId = UUID.randomUUID().toString().replace("-", "").substring(0, 6);
        kafka = KafkaTestCluster.start(BROKERS);
        topics = new TopicContract(
                "chaos.commands", "chaos.outcomes", "chaos.audit", "chaos.dlq", PARTITIONS, (short) BROKERS);
        TopicProvisioner.createMissing(kafka.admin(), topics);
        registry = SchemaRegistryServer.start(
                RegistryServerConfig.of(kafka.bootstrapServers()).withTopic("_schemas-chaos"));
        logto = LogtoSimulator.start(SimulatorConfig.defaults());

        Map<String, Object> serde =
                Map.of("schema.registry.url", registry.url(), "value.subject.name.strategy", "record");
        serializer = new WireFormatSerializer();
        serializer.configure(serde, false);
        producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), serializer);
        rawProducer = new KafkaProducer<>(producerConfig(), new ByteArraySerializer(), new ByteArraySerializer());

        groupId = "chaos-processor-" + runId;
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("KAFKA_GROUP_ID", groupId);
        env.put("SCHEMA_REGISTRY_URL", registry.url());
        env.put("LOGTO_ENDPOINT", logto.endpoint());
        env.put("LOGTO_M2M_APP_ID", logto.appId());
        env.put("LOGTO_M2M_APP_SECRET", logto.appSecret());
        env.put("LOGTO_RESOURCE", logto.resource());
        // Ambiguous timeouts never answer: a short request timeout turns them into a quick retry.
        env.put("LOGTO_REQUEST_TIMEOUT_MS", "1000");
        env.put("COMMAND_TOPICS", topics.commands());
        env.put("OUTCOME_TOPIC", topics.outcomes());
        env.put("AUDIT_TOPIC", topics.audit());
        env.put("DEAD_LETTER_TOPIC", topics.deadLetters());
        env.put("LEDGER_TOPIC", topics.ledger());
        env.put("MAX_IN_FLIGHT", "256");
        env.put("MAX_ATTEMPTS", "10");
        env.put("RETRY_BASE_DELAY_MS", "50");
        env.put("RETRY_MAX_DELAY_MS", "1000");
        env.put("MAX_COMMAND_BYTES", Integer.toString(MAX_COMMAND_BYTES));
        env.put("SHUTDOWN_TIMEOUT_MS", "5000");
        // A killed member holds its partitions until its session expires; 6 s is the broker's minimum.
        env.put("KAFKA_CLIENT_SESSION_TIMEOUT_MS", "6000");
        env.put("KAFKA_CLIENT_HEARTBEAT_INTERVAL_MS", "1000");
        fleet = new ProcessorFleet(INSTANCES, env, WORK_DIR);
        watch = new GroupWatch(kafka.admin(), kafka.bootstrapServers(), groupId, topics.commands(), PARTITIONS);
    }

    @AfterAll
    static void stopStack() {
        // Each step on its own: a failure in one must not leave the child JVMs or the brokers running.
        quietly(() -> fleet.close());
        quietly(() -> producer.close(Duration.ofSeconds(5)));
        quietly(() -> rawProducer.close(Duration.ofSeconds(5)));
        quietly(() -> logto.close());
        quietly(() -> registry.close());
        quietly(() -> kafka.close());
    }

    @Test
    void everyCommandHasOneOutcomeNothingIsAppliedTwiceOrderHoldsAndPoisonIsDeadLetteredOnce() throws Exception {
        Instant started = Instant.now();
        Random random = new Random(SEED);
        logto.faults()
                .seed(SEED)
                .add(FaultRule.error503(0.05))
                .add(FaultRule.tooManyRequests(0.02, 1))
                .add(FaultRule.ambiguousTimeout(0.01));
        List<String> roles = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            roles.add(logto.createRole("chaos_" + runId + "_role" + r));
        }
        ChaosWorkload workload = new ChaosWorkload(runId, USERS, roles);
        List<Poison> poison = PoisonRecords.plant(runId, POISON_PER_KIND, this::validCommandBytes, SEED);
        Map<String, RecordMetadata> poisonPositions = new HashMap<>();
        int brokerRestarts = 0;
        int sent = 0;

        fleet.startAll();
        watch.awaitMembersWithPartitions(INSTANCES, Duration.ofMinutes(2), WORK_DIR);
        log("%d processor instances own partitions", INSTANCES);
        int groupSize = (USERS + GROUPS - 1) / GROUPS;
        int poisonPerWave = (poison.size() + GROUPS - 1) / GROUPS;
        for (int wave = 0; wave <= GROUPS; wave++) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            Map<String, Future<RecordMetadata>> poisonAcks = new HashMap<>();
            if (wave < GROUPS) {
                List<String> fresh = workload.group(wave * groupSize, (wave + 1) * groupSize);
                List<Poison> planted = poison.subList(
                        Math.min(poison.size(), wave * poisonPerWave),
                        Math.min(poison.size(), (wave + 1) * poisonPerWave));
                int every = Math.max(1, fresh.size() / Math.max(1, planted.size()));
                for (int i = 0; i < fresh.size(); i++) {
                    for (SpecificRecord command : workload.phaseA(fresh.get(i))) {
                        acks.add(producer.send(new ProducerRecord<>(topics.commands(), fresh.get(i), command)));
                        sent++;
                    }
                    // Poison goes in between the commands, so it lands mid-stream on every partition.
                    int p = i / every;
                    if (i % every == 0 && p < planted.size()) {
                        Poison bad = planted.get(p);
                        poisonAcks.put(
                                bad.key(),
                                rawProducer.send(new ProducerRecord<>(
                                        topics.commands(), bad.key().getBytes(StandardCharsets.UTF_8), bad.value())));
                    }
                }
            }
            if (wave > 0) {
                List<String> previous = workload.group((wave - 1) * groupSize, wave * groupSize);
                // Sessions can only be seeded for users that exist, i.e. whose create was applied.
                Map<String, String> ids = awaitUsers(previous, workload);
                for (String username : previous) {
                    String userId = ids.get(username);
                    List<String> sessions = List.of(
                            logto.createSession(userId), logto.createSession(userId), logto.createSession(userId));
                    for (SpecificRecord command : workload.phaseB(username, sessions)) {
                        acks.add(producer.send(new ProducerRecord<>(topics.commands(), username, command)));
                        sent++;
                    }
                }
            }
            producer.flush();
            rawProducer.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get(2, TimeUnit.MINUTES);
            }
            for (Map.Entry<String, Future<RecordMetadata>> ack : poisonAcks.entrySet()) {
                poisonPositions.put(ack.getKey(), ack.getValue().get(2, TimeUnit.MINUTES));
            }
            log("wave %d produced (%d commands so far)", wave, sent);

            // Chaos, while the wave is being worked on.
            Thread.sleep(300 + random.nextInt(1200));
            int victim = wave % INSTANCES;
            // A kill only tests something when the victim owns partitions with work in flight.
            if (!watch.awaitOwnsPartitions(victim, Duration.ofMinutes(1))) {
                log("slot %d still owns no partitions after a minute; killing it anyway", victim);
            }
            fleet.kill(victim);
            log("wave %d: killed slot %d (kill #%d)", wave, victim, fleet.kills());
            Thread.sleep(500 + random.nextInt(1000));
            fleet.start(victim);
            if (wave == GROUPS / 2) {
                int broker = watch.coordinator();
                log("wave %d: restarting broker %d (the group coordinator)", wave, broker);
                kafka.restartBroker(broker);
                brokerRestarts++;
                log("wave %d: broker %d is back", wave, broker);
            }
        }

        Duration settledAfter = awaitSettled();
        Instant settled = Instant.now();
        List<ConsumerRecord<String, Object>> outcomeRecords =
                watch.readToEnd(topics.outcomes(), new StringDeserializer(), outcomeDeserializer());
        List<ConsumerRecord<byte[], byte[]>> deadLetters =
                watch.readToEnd(topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<Mutation> mutations = logto.state().mutations();
        Duration wall = Duration.between(started, settled);

        Verdict verdict = new Verdict(workload, outcomeRecords, deadLetters, poison, poisonPositions, mutations);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("users", USERS);
        figures.put("commands sent", sent);
        figures.put("poison records planted", poison.size());
        figures.put("outcomes read (read_committed)", outcomeRecords.size());
        figures.put("commands with an outcome", verdict.outcomesByCommand.size());
        figures.put("commands without an outcome", verdict.missingOutcomes.size());
        figures.put("duplicates in outcome topic", verdict.duplicateOutcomes);
        figures.put("commands with >1 outcome", verdict.commandsWithSeveralOutcomes);
        figures.put("outcome statuses", verdict.statusCounts);
        figures.put("DLQ records", deadLetters.size());
        figures.put("DLQ duplicates", verdict.duplicateDeadLetters);
        figures.put("processor kills (kill -9)", fleet.kills());
        figures.put("broker restarts", brokerRestarts);
        figures.put("Logto mutations", mutations.size());
        figures.put("expected Logto mutations", verdict.expectedMutations);
        figures.put("idempotency keys applied twice", verdict.keysAppliedTwice.size());
        figures.put("users created twice", verdict.usersCreatedTwice.size());
        figures.put("users out of order", verdict.usersOutOfOrder.size());
        figures.put("faults injected", new TreeMap<>(logto.faults().injectedCounts()));
        figures.put("Logto requests", logto.state().requestCount());
        figures.put("settle after last wave", settledAfter.toSeconds() + " s");
        figures.put("wall time", wall.toSeconds() + " s");
        printFigures(figures);

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(sent).as("commands sent").isGreaterThanOrEqualTo(20_000);
        softly.assertThat(fleet.kills()).as("kills").isGreaterThanOrEqualTo(5);
        softly.assertThat(fleet.unexpectedExits())
                .as("processor instances that exited on their own")
                .isEmpty();
        softly.assertThat(verdict.missingOutcomes)
                .as("commands without a committed outcome (up to 20 shown)")
                .isEmpty();
        softly.assertThat(verdict.outcomesNotOnce)
                .as(Verdict.DUPLICATE_OUTCOME_FINDING, verdict.commandsWithSeveralOutcomes, verdict.duplicateExamples())
                .isEmpty();
        softly.assertThat(verdict.notSucceeded)
                .as("first outcome of every command is SUCCEEDED (up to 20 others shown)")
                .isEmpty();
        softly.assertThat(verdict.usersCreatedTwice)
                .as("usernames with more than one user.create mutation")
                .isEmpty();
        softly.assertThat(verdict.keysAppliedTwice)
                .as("Idempotency-Keys with more than one effective mutation")
                .isEmpty();
        softly.assertThat(verdict.usersOutOfOrder)
                .as("users whose mutation sequence differs from their command order " + "(up to 20 shown)")
                .isEmpty();
        softly.assertThat(verdict.poisonUsersCreated)
                .as("users created from poison records")
                .isEmpty();
        softly.assertThat(verdict.deadLetterProblems)
                .as(
                        "dead-letter topic vs. planted poison (%d dead-lettered more than "
                                + "once: same engine finding as duplicate outcomes, see FINDINGS.md)",
                        verdict.duplicateDeadLetters)
                .isEmpty();
        softly.assertAll();
    }

    // ---- chaos helpers ---------------------------------------------------------------------------------------------

    /** The wire-format bytes of a valid UserCreate, raw material for damaged poison records. */
    private byte[] validCommandBytes(String username) {
        return serializer.serialize(
                topics.commands(),
                dev.logtocp.commands.UserCreate.newBuilder()
                        .setMeta(dev.logtocp.commands.CommandMeta.newBuilder()
                                .setCommandId(UUID.randomUUID().toString())
                                .setIdempotencyKey(username)
                                .setIssuer(ChaosWorkload.ISSUER)
                                .setIssuedAt(Instant.now())
                                .build())
                        .setUsername(username)
                        .build());
    }

    /** Waits until every user exists in the simulator; returns username to user id. */
    private static Map<String, String> awaitUsers(List<String> usernames, ChaosWorkload workload)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(USERS_APPEAR_TIMEOUT);
        Map<String, String> ids = new HashMap<>();
        while (true) {
            for (String username : usernames) {
                if (!ids.containsKey(username)) {
                    logto.state().findUserByUsername(username).ifPresent(u -> ids.put(username, u.getString("id")));
                }
            }
            if (ids.size() == usernames.size()) {
                return ids;
            }
            if (Instant.now().isAfter(deadline)) {
                List<String> missing =
                        usernames.stream().filter(u -> !ids.containsKey(u)).toList();
                String story = diagnose(missing, workload);
                throw new AssertionError(
                        (usernames.size() - ids.size()) + " of " + usernames.size() + " users of a group were "
                                + "still not created after " + USERS_APPEAR_TIMEOUT
                                + "; processor logs and thread dumps in " + WORK_DIR
                                + "\n" + story);
            }
            Thread.sleep(200);
        }
    }

    /**
     * What the outcome topic and the group say about users that never appeared: their commands' outcomes so far,
     * the group's lag per partition. Also leaves thread dumps of the children next to their logs.
     */
    private static String diagnose(List<String> usernames, ChaosWorkload workload) {
        fleet.dumpThreads();
        StringBuilder out = new StringBuilder();
        try {
            Map<String, List<String>> outcomes = new HashMap<>();
            for (ConsumerRecord<String, Object> r :
                    watch.readToEnd(topics.outcomes(), new StringDeserializer(), outcomeDeserializer())) {
                if (r.value() instanceof CommandOutcome o) {
                    outcomes.computeIfAbsent(o.getCommandId(), k -> new ArrayList<>())
                            .add(o.getStatus() + " " + o.getErrorCode() + " attempts=" + o.getAttempts() + " @"
                                    + r.partition());
                }
            }
            for (String username : usernames.stream().limit(10).toList()) {
                out.append(username).append(":\n");
                for (Planned p : workload.planOf(username)) {
                    out.append("  c")
                            .append(p.index())
                            .append(' ')
                            .append(p.commandId())
                            .append(" -> ")
                            .append(outcomes.getOrDefault(p.commandId(), List.of("no outcome")))
                            .append('\n');
                }
            }
            out.append("group lag per partition: ").append(watch.lagPerPartition());
        } catch (Exception | AssertionError e) {
            out.append("diagnosis failed: ").append(e);
        }
        return out.toString();
    }

    /**
     * Waits until the group has committed every command record (the outcomes are in the same transactions), then
     * a little longer to see that nothing moves any more.
     */
    private static Duration awaitSettled() throws Exception {
        Instant start = Instant.now();
        Instant deadline = start.plus(SETTLE_TIMEOUT);
        long lastLag = -1;
        while (true) {
            long lag = watch.totalLag();
            if (lag == 0) {
                Thread.sleep(2000);
                return Duration.between(start, Instant.now());
            }
            if (lag != lastLag) {
                log("waiting for the processors: %d command records not committed yet", lag);
                lastLag = lag;
            }
            if (Instant.now().isAfter(deadline)) {
                fleet.dumpThreads();
                throw new AssertionError(
                        lag + " command records still uncommitted after " + SETTLE_TIMEOUT + " (per partition: "
                                + watch.lagPerPartition() + "); processor logs and thread dumps in " + WORK_DIR);
            }
            Thread.sleep(500);
        }
    }

    // ---- reading -----------------------------------------------------------------------------------------------

    private static Deserializer<Object> outcomeDeserializer() {
        WireFormatDeserializer d = new WireFormatDeserializer();
        d.configure(Map.of("schema.registry.url", registry.url(), "specific.avro.reader", "true"), false);
        return d;
    }

    // ---- the verdict -----------------------------------------------------------------------------------------

    /** Everything the run is judged on, computed once from what Kafka and the simulator hold. */
    private static final class Verdict {
        static final String DUPLICATE_OUTCOME_FINDING =
                "commands with more than one committed outcome (%d; first 5: %s). "
                        + "ENGINE FINDING, see processor/src/test/java/dev/logtocp/processor/chaos/FINDINGS.md: a command that "
                        + "finished above an unfinished one on its partition has its outcome committed while the group offset stays "
                        + "below it; after a kill or rebalance the new owner re-reads it and publishes a second outcome (DUPLICATE "
                        + "from the ledger, or SUCCEEDED/alreadyApplied when the ledger does not hold it)";

        final Map<String, List<CommandOutcome>> outcomesByCommand = new HashMap<>();
        final Map<String, Long> statusCounts = new TreeMap<>();
        final List<String> missingOutcomes = new ArrayList<>();
        final List<String> outcomesNotOnce = new ArrayList<>();
        final List<String> notSucceeded = new ArrayList<>();
        final List<String> usersCreatedTwice = new ArrayList<>();
        final List<String> keysAppliedTwice = new ArrayList<>();
        final List<String> usersOutOfOrder = new ArrayList<>();
        final List<String> poisonUsersCreated = new ArrayList<>();
        final List<String> deadLetterProblems = new ArrayList<>();
        long duplicateOutcomes;
        long commandsWithSeveralOutcomes;
        long duplicateDeadLetters;
        long expectedMutations;

        Verdict(
                ChaosWorkload workload,
                List<ConsumerRecord<String, Object>> outcomes,
                List<ConsumerRecord<byte[], byte[]>> deadLetters,
                List<Poison> poison,
                Map<String, RecordMetadata> poisonPositions,
                List<Mutation> mutations) {
            checkOutcomes(workload, outcomes);
            checkLogto(workload, poison, mutations);
            checkDeadLetters(deadLetters, poison, poisonPositions);
        }

        private void checkOutcomes(ChaosWorkload workload, List<ConsumerRecord<String, Object>> records) {
            for (ConsumerRecord<String, Object> r : records) {
                if (r.value() instanceof CommandOutcome o) {
                    outcomesByCommand
                            .computeIfAbsent(o.getCommandId(), k -> new ArrayList<>())
                            .add(o);
                    statusCounts.merge(o.getStatus().name(), 1L, Long::sum);
                }
            }
            for (Planned planned : workload.byCommandId().values()) {
                List<CommandOutcome> found = outcomesByCommand.get(planned.commandId());
                if (found == null) {
                    add(missingOutcomes, planned.username() + "#c" + planned.index() + " " + planned.commandId());
                    continue;
                }
                if (found.size() != 1) {
                    duplicateOutcomes += found.size() - 1;
                    commandsWithSeveralOutcomes++;
                    add(
                            outcomesNotOnce,
                            planned.username() + "#c" + planned.index() + " "
                                    + found.stream()
                                            .map(o -> o.getStatus() + "@"
                                                    + o.getSource().getPartition() + ":"
                                                    + o.getSource().getOffset()
                                                    + (o.getDetails().isEmpty()
                                                            ? ""
                                                            : o.getDetails().toString()))
                                            .toList());
                }
                CommandOutcome first = found.get(0);
                if (first.getStatus() != OutcomeStatus.SUCCEEDED) {
                    add(
                            notSucceeded,
                            planned.username() + "#c" + planned.index() + " " + first.getStatus() + " "
                                    + first.getErrorCode() + " " + first.getErrorMessage());
                }
            }
        }

        String duplicateExamples() {
            return outcomesNotOnce.stream().limit(5).toList().toString();
        }

        private void checkLogto(ChaosWorkload workload, List<Poison> poison, List<Mutation> mutations) {
            Map<String, List<Mutation>> byUser = new HashMap<>();
            Map<String, Long> creates = new HashMap<>();
            Map<String, Long> perKey = new HashMap<>();
            for (Mutation m : mutations) {
                if (m.userId() != null) {
                    byUser.computeIfAbsent(m.userId(), k -> new ArrayList<>()).add(m);
                }
                if (m.operation().equals("user.create")) {
                    String username = logto.state()
                            .user(m.userId())
                            .map(u -> u.getString("username"))
                            .orElse("?" + m.userId());
                    creates.merge(username, 1L, Long::sum);
                }
                if (m.idempotencyKey() != null) {
                    perKey.merge(m.idempotencyKey(), 1L, Long::sum);
                }
            }
            creates.forEach((username, n) -> {
                if (n > 1) {
                    usersCreatedTwice.add(username + " x" + n);
                }
            });
            // The simulator's own tally, as the issue asks, plus ours from the same log.
            logto.state().countsByIdempotencyKey().forEach((key, n) -> {
                if (n > 1) {
                    keysAppliedTwice.add(key + " x" + n);
                }
            });
            for (String username : workload.usernames()) {
                List<String> expected = workload.planOf(username).stream()
                        .filter(p -> p.mutation() != null)
                        .map(p -> p.mutation() + " " + p.headerKey())
                        .toList();
                expectedMutations += expected.size();
                String userId = logto.state()
                        .findUserByUsername(username)
                        .map(u -> u.getString("id"))
                        .orElse(null);
                List<String> actual = userId == null
                        ? List.of()
                        : byUser.getOrDefault(userId, List.of()).stream()
                                .map(m -> m.operation() + " " + m.idempotencyKey())
                                .toList();
                if (!actual.equals(expected)) {
                    add(usersOutOfOrder, username + ": expected " + expected + " but Logto applied " + actual);
                }
            }
            for (Poison p : poison) {
                String name = "poison_" + p.key().substring("poison-".length()).replace('-', '_');
                logto.state().findUserByUsername(name).ifPresent(u -> poisonUsersCreated.add(p.key()));
            }
        }

        private void checkDeadLetters(
                List<ConsumerRecord<byte[], byte[]>> records,
                List<Poison> poison,
                Map<String, RecordMetadata> positions) {
            Map<String, Poison> planted = new HashMap<>();
            poison.forEach(p -> planted.put(p.key(), p));
            Map<String, Integer> seen = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                String key = r.key() == null ? "<null key>" : new String(r.key(), StandardCharsets.UTF_8);
                int n = seen.merge(key, 1, Integer::sum);
                Poison p = planted.get(key);
                if (p == null) {
                    add(
                            deadLetterProblems,
                            "unexpected dead letter " + key + " (" + header(r, "dlq.error.class") + ": "
                                    + header(r, "dlq.error.reason") + ")");
                    continue;
                }
                if (n > 1) {
                    duplicateDeadLetters++;
                    add(deadLetterProblems, key + " dead-lettered " + n + " times");
                    continue;
                }
                RecordMetadata at = positions.get(key);
                expectHeader(r, key, "dlq.source.topic", topics.commands());
                expectHeader(r, key, "dlq.source.partition", Integer.toString(at.partition()));
                expectHeader(r, key, "dlq.source.offset", Long.toString(at.offset()));
                expectHeader(r, key, "dlq.error.class", p.kind().errorClass);
                if (header(r, "dlq.error.reason") == null) {
                    add(deadLetterProblems, key + " has no dlq.error.reason");
                }
                if (!java.util.Arrays.equals(r.value(), p.value())) {
                    add(deadLetterProblems, key + " does not carry the original bytes");
                }
            }
            for (String key : planted.keySet()) {
                if (!seen.containsKey(key)) {
                    add(
                            deadLetterProblems,
                            key + " (" + planted.get(key).kind() + ") is missing from the dead-letter topic");
                }
            }
        }

        private void expectHeader(ConsumerRecord<byte[], byte[]> r, String key, String name, String expected) {
            String actual = header(r, name);
            if (!expected.equals(actual)) {
                add(deadLetterProblems, key + ": " + name + " is " + actual + ", expected " + expected);
            }
        }

        private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
            Header h = r.headers().lastHeader(name);
            return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }

        /** Keeps failure messages readable: the count is reported separately. */
        private static void add(List<String> list, String item) {
            if (list.size() < 20) {
                list.add(item);
            } else if (list.size() == 20) {
                list.add("...");
            }
        }
    }

    // ---- plumbing ------------------------------------------------------------------------------------------------

    private static Map<String, Object> producerConfig() {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("acks", "all");
        p.put("linger.ms", "10");
        p.put("batch.size", Integer.toString(128 * 1024));
        p.put("max.request.size", Integer.toString(2 << 20));
        return p;
    }

    private static void printFigures(Map<String, Object> figures) {
        int width = figures.keySet().stream().mapToInt(String::length).max().orElse(10);
        StringBuilder table = new StringBuilder("\n=== chaos run " + runId + " ===\n");
        figures.forEach((k, v) -> table.append(String.format("%-" + width + "s  %s%n", k, v)));
        System.out.println(table);
        try {
            Files.writeString(WORK_DIR.resolve("figures.txt"), table.toString());
        } catch (IOException e) {
            System.out.println("could not write figures.txt: " + e);
        }
    }

    private static void log(String format, Object... args) {
        System.out.printf("[chaos %s] %s%n", Instant.now(), String.format(format, args));
    }

    private static void quietly(Runnable step) {
        try {
            if (step != null) {
                step.run();
            }
        } catch (RuntimeException | Error e) {
            System.out.println("cleanup step failed: " + e);
        }
    }
}
