package dev.logtocp.processor.idempotency;

import dev.logtocp.internal.UserReference;
import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.schema.audit.AuditChain;
import dev.logtocp.schema.wire.WireFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the processor's state partitions (the idempotency ledger and the externalId references) into the ledger
 * store and the references map before any command of the matching command partition runs. Continues from where
 * the previous restore of the same partition stopped, so a rebalance that hands a partition back costs only the
 * records written meanwhile.
 *
 * <p>Blocking; used on the consumer thread with its own {@code read_committed} consumer (no group).
 */
public final class LedgerRestorer {
    private static final Logger LOGGER = LoggerFactory.getLogger(LedgerRestorer.class);

    private final Consumer<byte[], byte[]> consumer;
    private final Deserializer<Object> values;
    private final IdempotencyLedger ledger;
    private final ReferenceMap references;
    private final String ledgerTopic;
    private final String referencesTopic;
    private final Map<TopicPartition, Long> restoredUpTo = new HashMap<>();
    private final Set<Integer> primedSchemaIds = new HashSet<>();

    public LedgerRestorer(
            Consumer<byte[], byte[]> consumer,
            Deserializer<Object> values,
            IdempotencyLedger ledger,
            String ledgerTopic,
            ReferenceMap references,
            String referencesTopic) {
        this.consumer = consumer;
        this.values = values;
        this.ledger = ledger;
        this.references = references;
        this.ledgerTopic = ledgerTopic;
        this.referencesTopic = referencesTopic;
    }

    /**
     * Restores the ledger and references partitions of these command partitions. All partitions of a topic are
     * read together, one fetch covering all of them: read one after another, a million ledger records took about
     * a second per partition, mostly round trips.
     */
    public void restore(Collection<Integer> partitions, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        read(ledgerTopic, partitions, deadline, (partition, record) -> {
            primeDecoder(record);
            ledger.restored(partition, key(record), record.value(), record.timestamp());
        });
        read(referencesTopic, partitions, deadline, (partition, record) -> {
            Object value = record.value() == null
                    ? null
                    : values.deserialize(referencesTopic, record.headers(), record.value());
            references.restored(partition, key(record), value instanceof UserReference ref ? ref.getUserId() : null);
        });
    }

    /**
     * Decodes the first ledger record of each writer schema here, on the consumer thread: the registry lookup that
     * decoding may need then never happens on an event loop when a command later hits an entry, and an entry the
     * processor cannot read fails the restore instead of a command.
     */
    private void primeDecoder(ConsumerRecord<byte[], byte[]> record) {
        byte[] value = record.value();
        if (value != null
                && value.length >= WireFormat.HEADER_SIZE
                && primedSchemaIds.add(ByteBuffer.wrap(value, 1, 4).getInt())) {
            values.deserialize(ledgerTopic, record.headers(), value);
        }
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.key(), StandardCharsets.UTF_8);
    }

    private void read(
            String topic,
            Collection<Integer> partitions,
            Instant deadline,
            BiConsumer<Integer, ConsumerRecord<byte[], byte[]>> sink) {
        List<TopicPartition> tps =
                partitions.stream().map(p -> new TopicPartition(topic, p)).toList();
        if (tps.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        consumer.assign(tps);
        Map<TopicPartition, Long> end = consumer.endOffsets(tps);
        Set<TopicPartition> unfinished = new HashSet<>();
        for (TopicPartition tp : tps) {
            long from = restoredUpTo.getOrDefault(tp, 0L);
            consumer.seek(tp, from);
            if (from < end.get(tp)) {
                unfinished.add(tp);
            }
        }
        long read = 0;
        while (!unfinished.isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("restoring " + unfinished + " did not finish in time");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.key() != null) {
                    sink.accept(record.partition(), record);
                    read++;
                }
            }
            unfinished.removeIf(tp -> consumer.position(tp) >= end.get(tp));
        }
        for (TopicPartition tp : tps) {
            restoredUpTo.put(tp, consumer.position(tp));
        }
        consumer.assign(List.of());
        if (read > 0) {
            LOGGER.atInfo()
                    .addKeyValue("topic", topic)
                    .addKeyValue("partitions", partitions.size())
                    .addKeyValue("records", read)
                    .addKeyValue("millis", (System.nanoTime() - started) / 1_000_000)
                    .log("restored processor state");
        }
    }

    /**
     * Hash of the last committed audit event of each of these partitions, the anchor the next event links to;
     * {@link AuditChain#GENESIS} for an empty partition. Reads the tails of all partitions together, backwards in
     * growing windows because transaction markers and aborted records also occupy offsets.
     */
    public Map<Integer, String> lastAuditHashes(String auditTopic, Collection<Integer> partitions) {
        Map<Integer, String> hashes = new HashMap<>();
        List<TopicPartition> remaining =
                partitions.stream().map(p -> new TopicPartition(auditTopic, p)).toList();
        if (remaining.isEmpty()) {
            return hashes;
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(remaining);
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(remaining);
        try {
            for (long window = 64; !remaining.isEmpty(); window *= 8) {
                consumer.assign(remaining);
                Map<TopicPartition, Long> start = new HashMap<>();
                Set<TopicPartition> unfinished = new HashSet<>();
                for (TopicPartition tp : remaining) {
                    start.put(tp, Math.max(beginning.get(tp), end.get(tp) - window));
                    consumer.seek(tp, start.get(tp));
                    if (start.get(tp) < end.get(tp)) {
                        unfinished.add(tp);
                    }
                }
                Map<TopicPartition, AuditEvent> last = new HashMap<>();
                Instant deadline = Instant.now().plusSeconds(60);
                while (!unfinished.isEmpty() && Instant.now().isBefore(deadline)) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        if (record.value() != null
                                && values.deserialize(auditTopic, record.headers(), record.value())
                                        instanceof AuditEvent event) {
                            last.put(new TopicPartition(record.topic(), record.partition()), event);
                        }
                    }
                    unfinished.removeIf(tp -> consumer.position(tp) >= end.get(tp));
                }
                List<TopicPartition> widen = new ArrayList<>();
                for (TopicPartition tp : remaining) {
                    if (last.containsKey(tp)) {
                        hashes.put(tp.partition(), AuditChain.hash(last.get(tp)));
                    } else if (start.get(tp) <= beginning.get(tp)) {
                        hashes.put(tp.partition(), AuditChain.GENESIS);
                    } else {
                        widen.add(tp);
                    }
                }
                remaining = widen;
            }
        } finally {
            consumer.assign(List.of());
        }
        return hashes;
    }

    public static Map<String, Object> consumerProperties(
            Map<String, String> overrides, String bootstrapServers, String clientId) {
        Map<String, Object> p = new HashMap<>(overrides);
        p.put("bootstrap.servers", bootstrapServers);
        p.put("client.id", clientId);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("max.poll.records", 5000);
        // A restore reads whole partitions as fast as it can: bigger fetches, fewer round trips.
        p.putIfAbsent("max.partition.fetch.bytes", 8 * 1024 * 1024);
        p.put("key.deserializer", ByteArrayDeserializer.class);
        p.put("value.deserializer", ByteArrayDeserializer.class);
        return p;
    }
}
