package dev.logtocp.ops.cli;

import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.schema.wire.WireFormatDeserializer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the whole outcome topic (read_committed, beginning to the end as of the call) and keeps the outcome
 * with the latest {@code completedAt} for the wanted (issuer, key). Cost grows with the topic: fine for an
 * operator's question, not for a service.
 */
final class OutcomeTopicScan implements OutcomeLookup {
    private final Map<String, Object> readerProps;
    private final Map<String, Object> serdeProps;
    private final String topic;

    OutcomeTopicScan(Map<String, Object> readerProps, Map<String, Object> serdeProps, String topic) {
        this.readerProps = readerProps;
        this.serdeProps = serdeProps;
        this.topic = topic;
    }

    @Override
    public Optional<Found> latest(String issuer, String idempotencyKey) {
        AtomicReference<Found> best = new AtomicReference<>();
        try (WireFormatDeserializer values = new WireFormatDeserializer()) {
            values.configure(serdeProps, false);
            Kafka.readToEnd(readerProps, topic, new StringDeserializer(), new ByteArrayDeserializer(), r -> {
                Object value;
                try {
                    value = values.deserialize(r.topic(), r.value());
                } catch (SerializationException e) {
                    return; // not an outcome we can read; it cannot be the one asked for
                }
                if (value instanceof CommandOutcome o
                        && o.getIssuer().equals(issuer)
                        && o.getIdempotencyKey().equals(idempotencyKey)) {
                    Found current = best.get();
                    if (current == null
                            || !o.getCompletedAt().isBefore(current.outcome().getCompletedAt())) {
                        best.set(new Found(r.key(), o));
                    }
                }
            });
        }
        return Optional.ofNullable(best.get());
    }
}
