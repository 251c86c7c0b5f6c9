package dev.logtocp.view;

import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.outcomes.CommandOutcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The view's Kafka Streams topology:
 *
 * <pre>
 * outcome topic ─┐                  ┌─ outcomes only, keyed by (issuer, idempotencyKey) ─► repartition "by-command"
 *                ├─ ViewEvent ──────┤      ─► StatusProcessor ─► command-status store
 * audit topic ───┘  (record key)    └─ each event under key:&lt;record key&gt; and user:&lt;Logto user id&gt; ─► repartition
 *                                          "by-user" ─► HistoryProcessor ─► history, history-count, history-pending stores
 * </pre>
 *
 * Both stores are keyed so that {@code KafkaStreams#queryMetadataForKey} with a {@code StringSerializer} names the
 * instance that holds a key: the repartition topics are partitioned by the same serialized key.
 */
public final class ViewTopology {
    public static final String STATUS_STORE = "command-status";
    public static final String HISTORY_STORE = "history";
    public static final String HISTORY_COUNT_STORE = "history-count";
    public static final String HISTORY_PENDING_STORE = "history-pending";

    private ViewTopology() {}

    /** The topology reading {@code outcomeTopic} and {@code auditTopic}, decoding values with {@code avro}. */
    public static Topology build(String outcomeTopic, String auditTopic, Deserializer<Object> avro) {
        Serde<Object> values = Serdes.serdeFrom(
                new Serializer<>() {
                    @Override
                    public byte[] serialize(String topic, Object data) {
                        throw new UnsupportedOperationException("the view never writes Avro");
                    }
                },
                avro);
        Serde<ViewEvent> events = Json.serde(ViewEvent.class);
        StreamsBuilder builder = new StreamsBuilder();

        KStream<String, ViewEvent> outcomes = builder.stream(
                        outcomeTopic, Consumed.with(Serdes.ByteArray(), values).withName("outcomes"))
                .flatMap(
                        (key, value) -> value instanceof CommandOutcome o
                                ? List.of(KeyValue.pair(
                                        recordKey(key), new ViewEvent(OutcomeView.of(recordKey(key), o), null)))
                                : List.<KeyValue<String, ViewEvent>>of(),
                        Named.as("outcome-events"));
        KStream<String, ViewEvent> audits = builder.stream(
                        auditTopic, Consumed.with(Serdes.ByteArray(), values).withName("audit-events"))
                .flatMap(
                        (key, value) -> value instanceof AuditEvent e
                                ? List.of(KeyValue.pair(
                                        recordKey(key), new ViewEvent(null, AuditView.of(recordKey(key), e))))
                                : List.<KeyValue<String, ViewEvent>>of(),
                        Named.as("audit-view-events"));

        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STATUS_STORE), Serdes.String(), Json.serde(CommandStatus.class)));
        outcomes.selectKey(
                        (key, event) -> CommandStatus.key(
                                event.outcome().issuer(), event.outcome().idempotencyKey()),
                        Named.as("key-by-command"))
                .repartition(Repartitioned.with(Serdes.String(), events).withName("by-command"))
                .process(StatusProcessor::new, Named.as("command-status-fold"), STATUS_STORE);

        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(HISTORY_STORE), Serdes.Bytes(), Json.serde(HistoryEntry.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(HISTORY_COUNT_STORE), Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(HISTORY_PENDING_STORE),
                Serdes.String(),
                Json.serde(PendingHalves.class)));
        outcomes.merge(audits, Named.as("all-events"))
                .flatMap((key, event) -> byUser(event), Named.as("key-by-user"))
                .repartition(Repartitioned.with(Serdes.String(), events).withName("by-user"))
                .process(
                        HistoryProcessor::new,
                        Named.as("history-append"),
                        HISTORY_STORE,
                        HISTORY_COUNT_STORE,
                        HISTORY_PENDING_STORE);
        return builder.build();
    }

    /** The histories an event belongs to: its record key's, and its Logto user's when known. */
    private static List<KeyValue<String, ViewEvent>> byUser(ViewEvent event) {
        List<KeyValue<String, ViewEvent>> out = new ArrayList<>(2);
        out.add(KeyValue.pair(HistoryKeys.index(HistoryKeys.BY_KEY, event.recordKey()), event));
        if (event.userId() != null) {
            out.add(KeyValue.pair(HistoryKeys.index(HistoryKeys.BY_USER_ID, event.userId()), event));
        }
        return out;
    }

    private static String recordKey(byte[] key) {
        return key == null ? "" : new String(key, StandardCharsets.UTF_8);
    }
}
