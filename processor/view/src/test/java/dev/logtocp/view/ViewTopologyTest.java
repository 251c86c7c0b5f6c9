package dev.logtocp.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.outcomes.SourcePosition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The view's topology on Kafka's {@link TopologyTestDriver}: status folding, history pairing and order. */
class ViewTopologyTest {
    private final Map<String, Object> values = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> outcomes;
    private TestInputTopic<byte[], byte[]> audits;

    @BeforeEach
    void start() throws Exception {
        Deserializer<Object> avro = (topic, data) -> {
            Object v = values.get(new String(data, StandardCharsets.UTF_8));
            if (v == null) {
                throw new dev.logtocp.schema.wire.WireFormatException(
                        dev.logtocp.schema.wire.WireFormatException.Reason.NOT_WIRE_FORMAT, "garbage");
            }
            return v;
        };
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "view-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(
                StreamsConfig.STATE_DIR_CONFIG,
                Files.createTempDirectory("view-topology").toString());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, UndecodableRecords.class.getName());
        driver = new TopologyTestDriver(ViewTopology.build("outcomes", "audit", avro), props);
        outcomes = driver.createInputTopic("outcomes", new ByteArraySerializer(), new ByteArraySerializer());
        audits = driver.createInputTopic("audit", new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private byte[] ref(Object value) {
        String id = "v" + ids.incrementAndGet();
        values.put(id, value);
        return id.getBytes(StandardCharsets.UTF_8);
    }

    private static SourcePosition at(long offset) {
        return new SourcePosition("commands", 0, offset, Instant.EPOCH);
    }

    private static CommandOutcome outcome(
            String commandId, String key, OutcomeStatus status, long offset, Map<String, String> details) {
        return CommandOutcome.newBuilder()
                .setCommandId(commandId)
                .setIdempotencyKey(key)
                .setIssuer("crm")
                .setCommandType("UserUpdate")
                .setStatus(status)
                .setUserId("user-1")
                .setDetails(details)
                .setAttempts(1)
                .setReceivedAt(Instant.EPOCH)
                .setCompletedAt(Instant.ofEpochSecond(offset))
                .setSource(at(offset))
                .build();
    }

    private static AuditEvent audit(String commandId, String key, OutcomeStatus status, long offset) {
        return AuditEvent.newBuilder()
                .setEventId("e-" + commandId + "-" + status)
                .setOccurredAt(Instant.EPOCH)
                .setActor("crm")
                .setAction("user.update")
                .setCommandType("UserUpdate")
                .setTargetUserId("user-1")
                .setTargetRef("EXTERNAL_ID:ext-1")
                .setStatus(status)
                .setCommandId(commandId)
                .setIdempotencyKey(key)
                .setSource(at(offset))
                .build();
    }

    private void sendOutcome(CommandOutcome o) {
        outcomes.pipeInput("ext-1".getBytes(StandardCharsets.UTF_8), ref(o));
    }

    private void sendAudit(AuditEvent e) {
        audits.pipeInput("ext-1".getBytes(StandardCharsets.UTF_8), ref(e));
    }

    private List<HistoryEntry> history(String index) {
        KeyValueStore<Bytes, HistoryEntry> store = driver.getKeyValueStore(ViewTopology.HISTORY_STORE);
        List<HistoryEntry> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, HistoryEntry> it =
                store.range(HistoryKeys.entry(index, 1), HistoryKeys.entry(index, Long.MAX_VALUE))) {
            it.forEachRemaining((KeyValue<Bytes, HistoryEntry> kv) -> out.add(kv.value));
        }
        return out;
    }

    @Test
    void outcomesAndAuditEventsPairUpInCommandOrderEvenWhenAReplayRepeatsARecord() {
        sendOutcome(outcome("c1", "k1", OutcomeStatus.SUCCEEDED, 0, Map.of()));
        sendOutcome(outcome("c2", "k2", OutcomeStatus.SUCCEEDED, 1, Map.of()));
        sendAudit(audit("c1", "k1", OutcomeStatus.SUCCEEDED, 0));
        // A replay of record 0 (same command, same source) before c2's audit arrives: a second entry for it.
        sendOutcome(outcome(
                "c1",
                "k1",
                OutcomeStatus.DUPLICATE,
                0,
                Map.of("originalStatus", "SUCCEEDED", "originalCommandId", "c1")));
        sendAudit(audit("c2", "k2", OutcomeStatus.SUCCEEDED, 1));
        sendAudit(audit("c1", "k1", OutcomeStatus.DUPLICATE, 0));

        List<HistoryEntry> byKey = history(HistoryKeys.index("key", "ext-1"));
        assertThat(byKey).extracting(HistoryEntry::seq).containsExactly(1L, 2L, 3L);
        assertThat(byKey).extracting(HistoryEntry::commandId).containsExactly("c1", "c2", "c1");
        assertThat(byKey).extracting(e -> e.outcome().status()).containsExactly("SUCCEEDED", "SUCCEEDED", "DUPLICATE");
        assertThat(byKey).extracting(e -> e.audit().status()).containsExactly("SUCCEEDED", "SUCCEEDED", "DUPLICATE");
        assertThat(history(HistoryKeys.index("userId", "user-1")))
                .extracting(HistoryEntry::commandId)
                .containsExactly("c1", "c2", "c1");
        // Negative control: nothing was filed under another user.
        assertThat(history(HistoryKeys.index("key", "ext-2"))).isEmpty();
    }

    @Test
    void aDuplicateStandsForTheDecisionAndARejectedReuseDoesNotReplaceIt() {
        sendOutcome(outcome("c1", "k", OutcomeStatus.SUCCEEDED, 0, Map.of()));
        sendOutcome(outcome(
                "c2",
                "k",
                OutcomeStatus.DUPLICATE,
                1,
                Map.of("originalStatus", "SUCCEEDED", "originalCommandId", "c1")));
        sendOutcome(outcome("c3", "k", OutcomeStatus.REJECTED, 2, Map.of()));

        KeyValueStore<String, CommandStatus> store = driver.getKeyValueStore(ViewTopology.STATUS_STORE);
        CommandStatus status = store.get(CommandStatus.key("crm", "k"));
        assertThat(status.status()).isEqualTo("SUCCEEDED");
        assertThat(status.decision().commandId()).isEqualTo("c1");
        assertThat(status.latest().commandId()).isEqualTo("c3");
        assertThat(status.outcomes()).isEqualTo(3);
    }

    @Test
    void aDuplicateWhoseOriginalTheViewNeverSawIsReportedAsThatOriginal() {
        sendOutcome(outcome(
                "c9",
                "old",
                OutcomeStatus.DUPLICATE,
                5,
                Map.of(
                        "originalStatus",
                        "FAILED",
                        "originalCommandId",
                        "c0",
                        "originalDecidedAt",
                        "2025-12-01T00:00:00Z")));
        CommandStatus status = driver.<String, CommandStatus>getKeyValueStore(ViewTopology.STATUS_STORE)
                .get(CommandStatus.key("crm", "old"));
        assertThat(status.status()).isEqualTo("FAILED");
        assertThat(status.decision().commandId()).isEqualTo("c0");
        assertThat(status.decision().completedAt()).isEqualTo("2025-12-01T00:00:00Z");
        assertThat(status.latest().status()).isEqualTo("DUPLICATE");
    }

    @Test
    void anUndecodableRecordIsSkippedAndTheViewGoesOn() {
        outcomes.pipeInput("ext-1".getBytes(StandardCharsets.UTF_8), "not-an-outcome".getBytes(StandardCharsets.UTF_8));
        sendOutcome(outcome("c1", "k", OutcomeStatus.SUCCEEDED, 0, Map.of()));
        assertThat(history(HistoryKeys.index("key", "ext-1")))
                .extracting(HistoryEntry::commandId)
                .containsExactly("c1");
    }

    @Test
    void aPasswordResetsEncryptedPasswordNeverReachesTheView() {
        sendOutcome(outcome(
                "c1",
                "k",
                OutcomeStatus.SUCCEEDED,
                0,
                Map.of("encryptedPassword", "c2VjcmV0", "sessionsRevoked", "2")));
        HistoryEntry entry = history(HistoryKeys.index("key", "ext-1")).get(0);
        assertThat(entry.outcome().details()).containsOnlyKeys("sessionsRevoked");
        assertThat(Json.text(entry)).doesNotContain("c2VjcmV0");
    }
}
