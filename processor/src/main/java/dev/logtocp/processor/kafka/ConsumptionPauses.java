package dev.logtocp.processor.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Why and when consumption pauses: every partition while too much is buffered or while Logto is down (its circuit
 * breaker open), one partition while the schema registry cannot decode its next record. The records stay in Kafka,
 * nothing is dropped, and consumption resumes by itself. Consumer thread only.
 */
final class ConsumptionPauses {
    private static final Logger LOGGER = LoggerFactory.getLogger(ConsumptionPauses.class);

    private final Consumer<byte[], byte[]> consumer;
    private final int maxBuffered;
    private final Clock clock;
    /** Partitions waiting for the schema registry, and until when. */
    private final Map<TopicPartition, Instant> decodeBackoff = new HashMap<>();

    private boolean pausedForBackpressure;

    ConsumptionPauses(Consumer<byte[], byte[]> consumer, int maxBuffered, Clock clock) {
        this.consumer = consumer;
        this.maxBuffered = maxBuffered;
        this.clock = clock;
    }

    /**
     * Reads {@code offset} of {@code tp} again after {@code backoff}; nothing after it is dispatched meanwhile, so
     * the partition keeps its order.
     */
    void retryDecodeLater(TopicPartition tp, long offset, Duration backoff) {
        consumer.seek(tp, offset);
        consumer.pause(List.of(tp));
        decodeBackoff.put(tp, clock.instant().plus(backoff));
    }

    /** Resumes the partitions whose registry backoff is over, unless backpressure holds everything. */
    void resumeDueDecodes(AssignedPartitions held) {
        if (decodeBackoff.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        List<TopicPartition> due = new ArrayList<>();
        decodeBackoff.entrySet().removeIf(e -> {
            if (e.getValue().isBefore(now)) {
                due.add(e.getKey());
                return true;
            }
            return false;
        });
        if (!pausedForBackpressure) {
            consumer.resume(due.stream().filter(held::holds).toList());
        }
    }

    /**
     * Pauses everything at {@code unfinished >= maxBuffered} or while Logto is down; resumes at half the buffer
     * once Logto is up. Half-open counts as up: one command probes Logto, the others wait for its verdict.
     */
    void apply(int unfinished, boolean logtoDown) {
        if (!pausedForBackpressure && (unfinished >= maxBuffered || logtoDown)) {
            if (logtoDown) {
                LOGGER.warn("Logto circuit breaker open: pausing consumption");
            }
            consumer.pause(consumer.assignment());
            pausedForBackpressure = true;
        } else if (pausedForBackpressure && !logtoDown && unfinished <= maxBuffered / 2) {
            consumer.resume(consumer.assignment().stream()
                    .filter(tp -> !decodeBackoff.containsKey(tp))
                    .toList());
            pausedForBackpressure = false;
        }
    }

    /** Newly assigned partitions start paused while backpressure holds the others. */
    void assigned(Collection<TopicPartition> tps) {
        if (pausedForBackpressure) {
            consumer.pause(tps);
        }
    }

    void forget(Collection<TopicPartition> tps) {
        tps.forEach(decodeBackoff::remove);
    }
}
