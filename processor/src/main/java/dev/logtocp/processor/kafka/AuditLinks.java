package dev.logtocp.processor.kafka;

import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.schema.audit.AuditChain;
import dev.logtocp.schema.wire.WireFormat;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The hash chain of each audit partition: every audit event carries the hash of the previous event of its
 * partition, linked here in the order the events will be committed. Consumer thread only.
 */
final class AuditLinks {
    private final Serializer<Object> serializer;
    /** Hash of the last audit event serialized per audit partition. */
    private final Map<Integer, String> last = new HashMap<>();

    AuditLinks(Serializer<Object> serializer) {
        this.serializer = serializer;
    }

    /** Links {@code event} to its partition's chain and serializes it. */
    byte[] linkAndSerialize(String topic, int partition, AuditEvent event) {
        AuditEvent linked = AuditChain.link(event, last.getOrDefault(partition, AuditChain.GENESIS));
        byte[] value = serializer.serialize(topic, linked);
        // The hash covers the Avro datum, which is the serialized record after its wire header.
        last.put(
                partition,
                AuditChain.hashEncoded(value, WireFormat.HEADER_SIZE, value.length - WireFormat.HEADER_SIZE));
        return value;
    }

    /** Where the chains stand now, to go back to if what is linked from here on is not committed. */
    Map<Integer, String> snapshot() {
        return new HashMap<>(last);
    }

    void restore(Map<Integer, String> snapshot) {
        last.clear();
        last.putAll(snapshot);
    }

    /** Continues these partitions' chains from their last committed events, whoever wrote them. */
    void continueFrom(Map<Integer, String> lastCommitted) {
        last.putAll(lastCommitted);
    }
}
