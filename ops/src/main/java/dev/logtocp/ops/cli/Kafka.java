package dev.logtocp.ops.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/** Small blocking helpers over the Kafka clients, shared by the commands. */
final class Kafka {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Kafka() {}

    /** Waits for an admin result; unwraps the cause so the operator sees Kafka's own error. */
    static <T> T await(KafkaFuture<T> future) throws InterruptedException {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new OpsException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new OpsException("Kafka did not answer within " + TIMEOUT.toSeconds() + " s", e);
        }
    }

    /** Every partition of {@code topic}; fails with a clear line when the topic does not exist. */
    static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new OpsException("topic " + topic + " does not exist");
        }
        List<TopicPartition> out = new ArrayList<>();
        for (PartitionInfo info : infos) {
            out.add(new TopicPartition(topic, info.partition()));
        }
        out.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        return out;
    }

    /**
     * Reads {@code topic} from the beginning up to its end as of the call (read_committed: the last stable
     * offset), handing each record to {@code sink}. No consumer group, nothing committed.
     */
    static <K, V> void readToEnd(
            Map<String, Object> readerProps,
            String topic,
            Deserializer<K> keys,
            Deserializer<V> values,
            Consumer<ConsumerRecord<K, V>> sink) {
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(readerProps, keys, values)) {
            List<TopicPartition> tps = partitions(consumer, topic);
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, TIMEOUT);
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp, TIMEOUT) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new OpsException("gave up reading " + topic + " after 10 minutes");
                }
                for (ConsumerRecord<K, V> r : consumer.poll(Duration.ofMillis(200))) {
                    // Records appended after the call are not part of this snapshot.
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        sink.accept(r);
                    }
                }
            }
        }
    }
}
