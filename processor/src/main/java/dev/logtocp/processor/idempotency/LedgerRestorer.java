package dev.logtocp.processor.idempotency;

import dev.logtocp.internal.LedgerEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads ledger partitions into an {@link IdempotencyLedger} before any command of the matching command partition
 * runs. Continues from where the previous restore of the same partition stopped, so a rebalance that hands a
 * partition back costs only the entries written meanwhile.
 *
 * <p>Blocking; used on the consumer thread with its own {@code read_committed} consumer (no group).
 */
public final class LedgerRestorer {
    private static final Logger LOGGER = LoggerFactory.getLogger(LedgerRestorer.class);

    private final Consumer<byte[], byte[]> consumer;
    private final Deserializer<Object> values;
    private final IdempotencyLedger ledger;
    private final String topic;

    public LedgerRestorer(Consumer<byte[], byte[]> consumer, Deserializer<Object> values, IdempotencyLedger ledger, String topic) {
        this.consumer = consumer;
        this.values = values;
        this.ledger = ledger;
        this.topic = topic;
    }

    public void restore(int partition, Duration timeout) {
        TopicPartition tp = new TopicPartition(topic, partition);
        long start = ledger.restoredUpTo(partition);
        consumer.assign(List.of(tp));
        consumer.seek(tp, start);
        long end = consumer.endOffsets(List.of(tp)).get(tp);
        Instant deadline = Instant.now().plus(timeout);
        int read = 0;
        while (consumer.position(tp) < end) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("restoring ledger " + tp + " took longer than " + timeout.toSeconds() + " s");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                if (key == null) {
                    continue;
                }
                Object value = record.value() == null ? null : values.deserialize(topic, record.headers(), record.value());
                ledger.restored(partition, key, value instanceof LedgerEntry entry ? entry : null);
                read++;
            }
        }
        ledger.restoredUpTo(partition, consumer.position(tp));
        consumer.assign(List.of());
        if (read > 0) {
            LOGGER.info("restored {} ledger records of {} (offsets {}..{})", read, tp, start, end);
        }
    }

    public static Map<String, Object> consumerProperties(Map<String, String> overrides, String bootstrapServers, String clientId) {
        Map<String, Object> p = new java.util.HashMap<>(overrides);
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
