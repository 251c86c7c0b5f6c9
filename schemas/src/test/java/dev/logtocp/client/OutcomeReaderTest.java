package dev.logtocp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.outcomes.SourcePosition;
import dev.logtocp.schema.headers.OutcomeHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client's outcome reader against a {@link MockConsumer}: matching, skipping, timeouts, the assignment. */
class OutcomeReaderTest {
    private static final String TOPIC = "outcomes";
    private static final int PARTITIONS = 6;

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("latest");
    /** Values by their bytes; counts decodes so a test can see that a record was skipped unread. */
    private final Map<String, CommandOutcome> values = new ConcurrentHashMap<>();

    private final AtomicInteger decodes = new AtomicInteger();
    private OutcomeReader reader;
    private Thread thread;
    private final List<Long> offsets = new ArrayList<>(List.of(0L, 0L, 0L, 0L, 0L, 0L));

    @BeforeEach
    void start() {
        List<PartitionInfo> infos = new ArrayList<>();
        Map<TopicPartition, Long> ends = new java.util.HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            infos.add(new PartitionInfo(TOPIC, p, Node.noNode(), new Node[0], new Node[0]));
            ends.put(new TopicPartition(TOPIC, p), 0L);
        }
        consumer.updatePartitions(TOPIC, infos);
        consumer.updateEndOffsets(ends);
        Deserializer<Object> deserializer = (topic, data) -> {
            decodes.incrementAndGet();
            return values.get(new String(data, StandardCharsets.UTF_8));
        };
        reader = new OutcomeReader(consumer, deserializer, TOPIC, 3);
        thread = new Thread(reader, "command-client-outcomes-test");
        thread.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        reader.stop();
        thread.join(5000);
    }

    private static CommandOutcome outcome(String commandId, OutcomeStatus status, Map<String, String> details) {
        return CommandOutcome.newBuilder()
                .setCommandId(commandId)
                .setIdempotencyKey("k-" + commandId)
                .setIssuer("crm")
                .setCommandType("UserCreate")
                .setStatus(status)
                .setUserId("user-1")
                .setDetails(details)
                .setAttempts(1)
                .setReceivedAt(Instant.EPOCH)
                .setCompletedAt(Instant.EPOCH)
                .setSource(new SourcePosition("commands", 0, 0L, Instant.EPOCH))
                .build();
    }

    /** Publishes {@code value} to the outcome partition of {@code key}, with the command id header unless null. */
    private void publish(String key, String headerCommandId, CommandOutcome value) {
        int p = OutcomeReader.partitionOf(key.getBytes(StandardCharsets.UTF_8), PARTITIONS);
        String bytes = "v" + offsets.get(p) + "-" + p;
        if (value != null) {
            values.put(bytes, value);
        }
        RecordHeaders headers = new RecordHeaders();
        if (headerCommandId != null) {
            headers.add(OutcomeHeaders.COMMAND_ID, headerCommandId.getBytes(StandardCharsets.UTF_8));
        }
        long offset = offsets.get(p);
        offsets.set(p, offset + 1);
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(
                TOPIC,
                p,
                offset,
                0L,
                TimestampType.CREATE_TIME,
                0,
                0,
                key.getBytes(StandardCharsets.UTF_8),
                bytes.getBytes(StandardCharsets.UTF_8),
                headers,
                Optional.empty())));
    }

    private CompletableFuture<CommandOutcome> expect(String commandId, String key, Duration timeout) {
        CompletableFuture<CommandOutcome> future = new CompletableFuture<>();
        reader.expect(commandId, "k-" + commandId, key.getBytes(StandardCharsets.UTF_8), timeout, future);
        return future;
    }

    @Test
    void anOutcomeCompletesTheSubmissionItAnswersAndOnlyTheKeysPartitionIsRead() throws Exception {
        CompletableFuture<CommandOutcome> future = expect("c1", "alice", Duration.ofSeconds(10));
        assertThat(reader.assignedPartitions())
                .containsExactly(OutcomeReader.partitionOf("alice".getBytes(StandardCharsets.UTF_8), PARTITIONS));

        publish("alice", "c1", outcome("c1", OutcomeStatus.SUCCEEDED, Map.of()));

        assertThat(future.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(reader.pendingCount()).isZero();
    }

    @Test
    void otherCommandsOutcomesAreSkippedWithoutDecodingThem() throws Exception {
        CompletableFuture<CommandOutcome> future = expect("mine", "alice", Duration.ofSeconds(10));
        publish("alice", "someone-else", null); // undecodable if it were read
        publish("alice", "mine", outcome("mine", OutcomeStatus.FAILED, Map.of()));

        assertThat(future.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(decodes.get()).isEqualTo(1);
    }

    @Test
    void anOutcomeWithoutHeadersIsMatchedByItsValue() throws Exception {
        CompletableFuture<CommandOutcome> future = expect("old", "bob", Duration.ofSeconds(10));
        publish("bob", null, outcome("old", OutcomeStatus.SUCCEEDED, Map.of()));
        assertThat(future.get(5, TimeUnit.SECONDS).getCommandId()).isEqualTo("old");
    }

    @Test
    void aDuplicateSurfacesAsTheOriginalDecision() throws Exception {
        CompletableFuture<CommandOutcome> future = expect("again", "carol", Duration.ofSeconds(10));
        publish(
                "carol",
                "again",
                outcome(
                        "again",
                        OutcomeStatus.DUPLICATE,
                        Map.of(
                                "originalCommandId",
                                "first",
                                "originalStatus",
                                "SUCCEEDED",
                                "originalDecidedAt",
                                "2026-01-01T00:00:00Z")));

        CommandOutcome decided = future.get(5, TimeUnit.SECONDS);
        assertThat(decided.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(decided.getCommandId()).isEqualTo("again");
        assertThat(CommandClient.isResubmission(decided)).isTrue();
        // Negative control: an outcome that is not a DUPLICATE passes through as it is.
        CommandOutcome plain = outcome("x", OutcomeStatus.REJECTED, Map.of());
        assertThat(OutcomeReader.decision(plain)).isSameAs(plain);
    }

    @Test
    void withoutAnOutcomeTheSubmissionTimesOut() {
        CompletableFuture<CommandOutcome> future = expect("late", "dave", Duration.ofMillis(300));
        assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(CommandTimeoutException.class)
                .hasMessageContaining("k-late");
        assertThat(reader.pendingCount()).isZero();
    }

    @Test
    void moreThanMaxPendingSubmissionsAreRefusedAtOnce() {
        expect("a", "k1", Duration.ofSeconds(30));
        expect("b", "k2", Duration.ofSeconds(30));
        expect("c", "k3", Duration.ofSeconds(30));
        assertThatThrownBy(() -> expect("d", "k4", Duration.ofSeconds(30)))
                .isInstanceOf(CommandClientException.class)
                .hasMessageContaining("3 submissions");
    }

    @Test
    void stoppingFailsWhatIsStillWaiting() throws Exception {
        CompletableFuture<CommandOutcome> future = expect("w", "erin", Duration.ofSeconds(30));
        reader.stop();
        thread.join(5000);
        assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(CommandClientException.class)
                .hasMessageContaining("closed");
    }
}
