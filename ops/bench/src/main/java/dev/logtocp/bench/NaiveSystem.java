package dev.logtocp.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The naive baseline: one consumer thread, one Logto call at a time; after each command its outcome is sent and
 * acknowledged and the offset committed synchronously. Its ceiling is 1 / L whatever C and K are.
 */
final class NaiveSystem implements SystemUnderTest {
    private volatile boolean running;
    private Thread thread;
    private volatile Throwable failure;

    @Override
    public String name() {
        return "naive";
    }

    @Override
    public void start(RunContext run) {
        UserCreateCall call = new UserCreateCall(
                run.env().simulator, run.env().registry.url(), run.topics().outcomes());
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", run.env().bootstrap());
        c.put("group.id", "bench-naive-" + run.runId());
        c.put("enable.auto.commit", "false");
        c.put("isolation.level", "read_committed");
        c.put("auto.offset.reset", "earliest");
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", run.env().bootstrap());
        p.put("acks", "all");
        KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        consumer.subscribe(List.of(run.topics().commands()));
        running = true;
        thread = new Thread(
                () -> {
                    try (call;
                            consumer;
                            producer) {
                        while (running) {
                            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                                if (!running) {
                                    break;
                                }
                                handle(call, consumer, producer, r);
                            }
                        }
                    } catch (Throwable t) {
                        failure = t;
                        System.err.println("[bench] naive consumer stopped: " + t);
                    }
                },
                "bench-naive");
        thread.start();
    }

    private static void handle(
            UserCreateCall call,
            KafkaConsumer<String, byte[]> consumer,
            KafkaProducer<String, byte[]> producer,
            ConsumerRecord<String, byte[]> r)
            throws InterruptedException, ExecutionException {
        ProducerRecord<String, byte[]> outcome = null;
        for (int attempt = 1; outcome == null; attempt++) {
            try {
                outcome = call.apply(r);
            } catch (RuntimeException e) {
                if (attempt >= 6) {
                    throw e;
                }
                Thread.sleep(200L * attempt);
            }
        }
        producer.send(outcome).get();
        consumer.commitSync(
                Map.of(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1)));
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }
}
