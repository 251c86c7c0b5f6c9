package dev.logtocp.ops.cli;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The durable memory of which dead letters were redriven: a compacted topic keyed by the dead letter's id
 * ({@code <dlqTopic>-<p>@<o>}). The redrive writes the marker in the same Kafka transaction as the record it
 * sends back, so a marker exists exactly when the redriven record was committed.
 */
final class RedriveLedger {
    private final KafkaOptions kafka;
    private final String topic;

    RedriveLedger(KafkaOptions kafka, String topic) {
        this.kafka = kafka;
        this.topic = topic;
    }

    String topic() {
        return topic;
    }

    /** Ids already redriven; empty when the ledger topic does not exist yet. */
    Set<String> redriven(Admin admin) throws InterruptedException {
        Set<String> done = new HashSet<>();
        if (!Kafka.await(admin.listTopics().names()).contains(topic)) {
            return done;
        }
        Kafka.readToEnd(kafka.reader(), topic, new StringDeserializer(), new ByteArrayDeserializer(), r -> {
            if (r.key() != null && r.value() != null) {
                done.add(r.key());
            }
        });
        return done;
    }

    /** Creates the ledger topic (one partition, compacted, replicated like the dead-letter topic) if missing. */
    void ensureTopic(Admin admin, String deadLetterTopic) throws InterruptedException {
        if (Kafka.await(admin.listTopics().names()).contains(topic)) {
            return;
        }
        var dlq = Kafka.await(admin.describeTopics(List.of(deadLetterTopic)).allTopicNames()).get(deadLetterTopic);
        short rf = (short) dlq.partitions().get(0).replicas().size();
        NewTopic ledger = new NewTopic(topic, 1, rf).configs(Map.of("cleanup.policy", "compact",
                "min.insync.replicas", Integer.toString(Math.max(1, rf - 1))));
        try {
            Kafka.await(admin.createTopics(List.of(ledger)).all());
        } catch (OpsException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    static byte[] markerValue(String redrivenTo, boolean valueReplaced) {
        return ("redrivenTo=" + redrivenTo + ",valueReplaced=" + valueReplaced + ",at=" + java.time.Instant.now())
                .getBytes(StandardCharsets.UTF_8);
    }
}
