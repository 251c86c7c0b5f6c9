package dev.logtocp.processor.idempotency;

import dev.logtocp.internal.UserReference;
import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.processor.audit.AuditChain;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the processor's state partitions (the idempotency ledger and the externalId references) into memory before
 * any command of the matching command partition runs. Continues from where the previous restore of the same
 * partition stopped, so a rebalance that hands a partition back costs only the records written meanwhile.
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

    public LedgerRestorer(Consumer<byte[], byte[]> consumer, Deserializer<Object> values, IdempotencyLedger ledger,
                          String ledgerTopic, ReferenceMap references, String referencesTopic) {
        this.consumer = consumer;
        this.values = values;
        this.ledger = ledger;
        this.references = references;
        this.ledgerTopic = ledgerTopic;
        this.referencesTopic = referencesTopic;
    }

    /** Restores ledger and references partition {@code partition}. */
    public void restore(int partition, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        read(new TopicPartition(ledgerTopic, partition), deadline, record ->
                ledger.restored(partition, key(record), record.value(), record.timestamp()));
        TopicPartition referencesPartition = new TopicPartition(referencesTopic, partition);
        read(referencesPartition, deadline, record -> {
            Object value = record.value() == null ? null
                    : values.deserialize(referencesTopic, record.headers(), record.value());
            references.restored(partition, key(record), value instanceof UserReference ref ? ref.getUserId() : null);
        });
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.key(), StandardCharsets.UTF_8);
    }

    private void read(TopicPartition tp, Instant deadline, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        long start = restoredUpTo.getOrDefault(tp, 0L);
        consumer.assign(List.of(tp));
        consumer.seek(tp, start);
        long end = consumer.endOffsets(List.of(tp)).get(tp);
        int read = 0;
        while (consumer.position(tp) < end) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("restoring " + tp + " did not finish in time");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.key() == null) {
                    continue;
                }
                sink.accept(record);
                read++;
            }
        }
        restoredUpTo.put(tp, consumer.position(tp));
        consumer.assign(List.of());
        if (read > 0) {
            LOGGER.atInfo().addKeyValue("topic", tp.topic()).addKeyValue("partition", tp.partition())
                    .addKeyValue("records", read).log("restored processor state");
        }
    }

    /**
     * Hash of the last committed audit event of {@code partition}, the anchor the next event links to;
     * {@link AuditChain#GENESIS} for an empty partition. Reads backwards in growing windows because transaction
     * markers and aborted records also occupy offsets.
     */
    public String lastAuditHash(String auditTopic, int partition) {
        TopicPartition tp = new TopicPartition(auditTopic, partition);
        consumer.assign(List.of(tp));
        try {
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long beginning = consumer.beginningOffsets(List.of(tp)).get(tp);
            for (long window = 64; ; window *= 8) {
                long start = Math.max(beginning, end - window);
                consumer.seek(tp, start);
                AuditEvent last = null;
                Instant deadline = Instant.now().plusSeconds(60);
                while (consumer.position(tp) < end && Instant.now().isBefore(deadline)) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        if (record.value() != null
                                && values.deserialize(auditTopic, record.headers(), record.value()) instanceof AuditEvent event) {
                            last = event;
                        }
                    }
                }
                if (last != null) {
                    return AuditChain.hash(last);
                }
                if (start <= beginning) {
                    return AuditChain.GENESIS;
                }
            }
        } finally {
            consumer.assign(List.of());
        }
    }

    public static Map<String, Object> consumerProperties(Map<String, String> overrides, String bootstrapServers, String clientId) {
        Map<String, Object> p = new HashMap<>(overrides);
        p.put("bootstrap.servers", bootstrapServers);
        p.put("client.id", clientId);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("max.poll.records", 5000);
        p.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        p.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        return p;
    }
}
