package dev.logtocp.processor.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends dead letters back to the topic and partition they came from, with their original key and headers plus
 * {@code dlq.redriven-from}, each at most once. Shared by {@code ops dlq redrive} and the operator console, which
 * fence each other because they use the same transactional id per dead-letter topic.
 *
 * <p>At most once: every redrive first initialises the transactional producer, which fences any other redrive of
 * the same dead-letter topic and settles its open transaction; only then does it read the markers, so it sees
 * everything a finished redrive committed, and a redrive that starts later fences this one before its next commit.
 * Each dead letter goes back in its own transaction together with its marker ({@link RedriveMarkers}).
 *
 * <p>Blocking; one call at a time per instance, on the caller's thread (a CLI's main thread or a Vert.x worker).
 */
public final class DeadLetterRedrive {

    /** What happened to one chosen dead letter. */
    public record Result(DeadLetter letter, Status status, String detail) {}

    public enum Status {
        /** Sent back now; {@code detail} is {@code topic-partition@offset} of the new record. */
        REDRIVEN,
        /** A marker says it went back before; {@code detail} is where it went. */
        ALREADY_REDRIVEN,
        /** It has no {@code dlq.source.topic} header, so there is nowhere to send it. */
        NO_SOURCE
    }

    private final Map<String, Object> client;
    private final String deadLetterTopic;
    private final RedriveMarkers markers;
    private final String by;

    /**
     * @param client          Kafka client settings (bootstrap servers, security)
     * @param deadLetterTopic the dead-letter topic the letters were read from
     * @param markerTopic     the compacted topic of redrive markers
     * @param by              who redrives, recorded in the marker (e.g. {@code ops-cli}, {@code console:<instance>})
     */
    public DeadLetterRedrive(Map<String, Object> client, String deadLetterTopic, String markerTopic, String by) {
        this.client = Map.copyOf(client);
        this.deadLetterTopic = deadLetterTopic;
        this.markers = new RedriveMarkers(client, markerTopic);
        this.by = by;
    }

    /** The transactional id every redrive of {@code deadLetterTopic} uses, so that two never run at once. */
    public static String transactionalId(String deadLetterTopic) {
        return "dlq-redrive-" + deadLetterTopic;
    }

    public String markerTopic() {
        return markers.topic();
    }

    /**
     * Redrives {@code chosen} in order; dead letters already redriven or without a source are skipped.
     *
     * @param replacement a new value for the (single) dead letter, or null to send the original bytes
     * @throws DeadLetterException when Kafka fails or another redrive fenced this one; letters before it stay redriven
     */
    public List<Result> redrive(List<DeadLetter> chosen, byte[] replacement) throws InterruptedException {
        if (replacement != null && chosen.size() != 1) {
            throw new IllegalArgumentException("a replacement value applies to exactly one dead letter");
        }
        List<Result> results = new ArrayList<>();
        Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(deadLetterTopic));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "dlq-redrive-" + by);
        try (KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
                Admin admin = Admin.create(client)) {
            // First fence every other redrive of this topic; the markers read after this include all they committed.
            producer.initTransactions();
            markers.ensureTopic(admin, deadLetterTopic);
            Map<String, String> done = markers.redriven(admin);
            for (DeadLetter d : chosen) {
                if (done.containsKey(d.id())) {
                    results.add(new Result(d, Status.ALREADY_REDRIVEN, done.get(d.id())));
                } else if (d.sourceTopic() == null) {
                    results.add(new Result(d, Status.NO_SOURCE, "no dlq.source.topic header"));
                } else {
                    String to = send(producer, d, replacement, results.size());
                    done.put(d.id(), to);
                    results.add(new Result(d, Status.REDRIVEN, to));
                }
            }
        }
        return results;
    }

    private String send(KafkaProducer<byte[], byte[]> producer, DeadLetter d, byte[] replacement, int before)
            throws InterruptedException {
        producer.beginTransaction();
        try {
            byte[] value = replacement != null ? replacement : d.value();
            // Back to the partition it came from: keeps the key's order even if the producer partitioned differently.
            RecordMetadata m = producer.send(new ProducerRecord<>(
                            d.sourceTopic(), d.sourcePartition(), d.key(), value, d.redriveHeaders()))
                    .get();
            String to = m.topic() + "-" + m.partition() + "@" + m.offset();
            producer.send(new ProducerRecord<>(
                            markers.topic(),
                            d.id().getBytes(StandardCharsets.UTF_8),
                            RedriveMarkers.markerValue(to, replacement != null, by)))
                    .get();
            producer.commitTransaction();
            return to;
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            throw new DeadLetterException(
                    "another redrive of " + deadLetterTopic + " started and took over after " + before
                            + " dead letter(s); " + d.position() + " was not redriven",
                    e);
        } catch (ExecutionException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof ProducerFencedException || cause instanceof InvalidProducerEpochException) {
                throw new DeadLetterException(
                        "another redrive of " + deadLetterTopic + " started and took over after " + before
                                + " dead letter(s); " + d.position() + " was not redriven",
                        cause);
            }
            try {
                producer.abortTransaction();
            } catch (KafkaException ignored) {
                // The producer is unusable; closing it aborts on the broker's side.
            }
            throw new DeadLetterException(
                    "redrive of " + d.position() + " failed: "
                            + cause.getClass().getSimpleName() + ": " + cause.getMessage(),
                    cause);
        }
    }
}
