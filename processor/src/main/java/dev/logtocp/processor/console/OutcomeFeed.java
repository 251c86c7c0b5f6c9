package dev.logtocp.processor.console;

import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.processor.deadletter.TopicSnapshot;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the outcome topic for the console's live view: every committed outcome of the whole cluster
 * ({@code read_committed}, no consumer group), from the moment the first viewer connected, with counts by status.
 *
 * <p>Runs its own thread ({@code console-outcome-feed}) that owns a {@link KafkaConsumer}; it starts when the first
 * subscriber arrives and stops on {@link #close}. Subscribers are called on that thread and must hand the event to
 * their own context without blocking.
 */
final class OutcomeFeed implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(OutcomeFeed.class);

    private final Map<String, Object> client;
    private final String outcomeTopic;
    private final Supplier<Deserializer<Object>> values;
    private final List<Consumer<JsonObject>> subscribers = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private volatile Instant since;
    private volatile boolean running = true;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    OutcomeFeed(Map<String, Object> client, String outcomeTopic, Supplier<Deserializer<Object>> values) {
        this.client = Map.copyOf(client);
        this.outcomeTopic = outcomeTopic;
        this.values = values;
    }

    /** Adds a subscriber, starting the feed on first use; returns the call that removes it. */
    synchronized Runnable subscribe(Consumer<JsonObject> subscriber) {
        subscribers.add(subscriber);
        if (thread == null && running) {
            since = Instant.now();
            thread = new Thread(this::run, "console-outcome-feed");
            thread.setDaemon(true);
            thread.start();
        }
        return () -> subscribers.remove(subscriber);
    }

    /** Outcomes seen by status since the feed started, and when that was (null before the first viewer). */
    JsonObject counts() {
        JsonObject byStatus = new JsonObject();
        new TreeMap<>(counts).forEach((k, v) -> byStatus.put(k, v.get()));
        return new JsonObject()
                .put("since", since == null ? null : since.toString())
                .put("byStatus", byStatus);
    }

    private void run() {
        Deserializer<Object> deserializer = values.get();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(
                TopicSnapshot.readerProperties(client), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            synchronized (this) {
                consumer = c;
            }
            List<TopicPartition> tps = TopicSnapshot.partitions(c, outcomeTopic);
            c.assign(tps);
            c.seekToEnd(tps);
            tps.forEach(tp -> c.position(tp, TopicSnapshot.TIMEOUT)); // fix the start now, not at the first poll
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    publish(r, deserializer);
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            LOGGER.atWarn()
                    .addKeyValue("topic", outcomeTopic)
                    .addKeyValue("error", e.toString())
                    .log("console outcome feed stopped");
        } finally {
            deserializer.close();
        }
    }

    private void publish(ConsumerRecord<byte[], byte[]> r, Deserializer<Object> deserializer) {
        Object value;
        try {
            value = deserializer.deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            LOGGER.atDebug()
                    .addKeyValue("partition", r.partition())
                    .addKeyValue("offset", r.offset())
                    .addKeyValue("error", e.getClass().getSimpleName())
                    .log("outcome does not decode");
            return;
        }
        if (!(value instanceof CommandOutcome o)) {
            return;
        }
        counts.computeIfAbsent(o.getStatus().name(), k -> new AtomicLong()).incrementAndGet();
        JsonObject event = new JsonObject()
                .put("commandId", o.getCommandId())
                .put("issuer", o.getIssuer())
                .put("idempotencyKey", o.getIdempotencyKey())
                .put("commandType", o.getCommandType())
                .put("status", o.getStatus().name())
                .put("errorCode", o.getErrorCode())
                .put("errorMessage", o.getErrorMessage())
                .put("userId", o.getUserId())
                .put("attempts", o.getAttempts())
                .put("completedAt", o.getCompletedAt().toString())
                .put("partition", r.partition())
                .put("offset", r.offset())
                .put("counts", counts());
        for (Consumer<JsonObject> s : subscribers) {
            s.accept(event);
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            if (consumer != null) {
                consumer.wakeup();
            }
        }
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
