package dev.logtocp.processor.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The durable memory of which dead letters were redriven: a compacted topic keyed by the dead letter's id
 * ({@code <dlqTopic>-<p>@<o>}), by default {@code <dead-letter topic>.redriven}. A redrive writes the marker in
 * the same Kafka transaction as the record it sends back, so a marker exists exactly when the redriven record was
 * committed. Blocking; used from one thread at a time.
 */
public final class RedriveMarkers {
    private final Map<String, Object> client;
    private final String topic;

    public RedriveMarkers(Map<String, Object> client, String topic) {
        this.client = Map.copyOf(client);
        this.topic = topic;
    }

    /** The marker topic's default name for a dead-letter topic. */
    public static String defaultTopic(String deadLetterTopic) {
        return deadLetterTopic + ".redriven";
    }

    public String topic() {
        return topic;
    }

    /** Ids already redriven, with where each went; empty when the marker topic does not exist yet. */
    public Map<String, String> redriven(Admin admin) throws InterruptedException {
        Map<String, String> done = new HashMap<>();
        if (!TopicSnapshot.await(admin.listTopics().names()).contains(topic)) {
            return done;
        }
        TopicSnapshot.readToEnd(
                TopicSnapshot.readerProperties(client),
                topic,
                new StringDeserializer(),
                new ByteArrayDeserializer(),
                Duration.ofMinutes(10),
                r -> {
                    if (r.key() != null && r.value() != null) {
                        done.put(r.key(), redrivenTo(r.value()));
                    } else if (r.key() != null) {
                        done.remove(r.key());
                    }
                });
        return done;
    }

    /** Creates the marker topic (one partition, compacted, replicated like the dead-letter topic) if missing. */
    public void ensureTopic(Admin admin, String deadLetterTopic) throws InterruptedException {
        if (TopicSnapshot.await(admin.listTopics().names()).contains(topic)) {
            return;
        }
        var dlq = TopicSnapshot.await(
                        admin.describeTopics(List.of(deadLetterTopic)).allTopicNames())
                .get(deadLetterTopic);
        short rf = (short) dlq.partitions().get(0).replicas().size();
        NewTopic markers = new NewTopic(topic, 1, rf)
                .configs(Map.of(
                        "cleanup.policy", "compact", "min.insync.replicas", Integer.toString(Math.max(1, rf - 1))));
        try {
            TopicSnapshot.await(admin.createTopics(List.of(markers)).all());
        } catch (DeadLetterException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    static byte[] markerValue(String redrivenTo, boolean valueReplaced, String by) {
        return ("redrivenTo=" + redrivenTo + ",valueReplaced=" + valueReplaced + ",by=" + by + ",at=" + Instant.now())
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String redrivenTo(byte[] marker) {
        String text = new String(marker, StandardCharsets.UTF_8);
        for (String part : text.split(",")) {
            if (part.startsWith("redrivenTo=")) {
                return part.substring("redrivenTo=".length());
            }
        }
        return "";
    }
}
