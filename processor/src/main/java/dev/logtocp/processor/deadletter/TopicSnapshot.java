package dev.logtocp.processor.deadletter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Blocking reads of a whole topic as it is at the time of the call: {@code read_committed}, no consumer group,
 * nothing committed. Runs on the caller's thread (a CLI's main thread or a Vert.x worker, never an event loop).
 */
public final class TopicSnapshot {
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private TopicSnapshot() {}

    /** {@code client} plus the settings of a group-less read_committed reader. */
    public static Map<String, Object> readerProperties(Map<String, Object> client) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return props;
    }

    /** Waits for an admin result; unwraps the cause so the operator sees Kafka's own error. */
    public static <T> T await(KafkaFuture<T> future) throws InterruptedException {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new DeadLetterException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new DeadLetterException("Kafka did not answer within " + TIMEOUT.toSeconds() + " s", e);
        }
    }

    /** Every partition of {@code topic}, in order; fails with a clear line when the topic does not exist. */
    public static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new DeadLetterException("topic " + topic + " does not exist");
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
     * offset), handing each record to {@code sink}; gives up after {@code maxTime}.
     */
    public static <K, V> void readToEnd(
            Map<String, Object> readerProps,
            String topic,
            Deserializer<K> keys,
            Deserializer<V> values,
            Duration maxTime,
            Consumer<ConsumerRecord<K, V>> sink) {
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(readerProps, keys, values)) {
            List<TopicPartition> tps = partitions(consumer, topic);
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, TIMEOUT);
            long deadline = System.nanoTime() + maxTime.toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp, TIMEOUT) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new DeadLetterException("gave up reading " + topic + " after " + maxTime.toSeconds() + " s");
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
