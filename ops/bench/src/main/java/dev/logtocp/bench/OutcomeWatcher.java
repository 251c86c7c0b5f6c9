package dev.logtocp.bench;

import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.schema.wire.WireFormatDeserializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A {@code read_committed} reader of the run's outcome topic on its own thread: an outcome counts when this
 * reader sees it, i.e. when a downstream consumer could. It matches each outcome to its phase and index through
 * the command id.
 */
final class OutcomeWatcher implements AutoCloseable {
    static final String THREAD_NAME = "bench-outcome-watcher";

    private final KafkaConsumer<String, Object> consumer;
    private final Map<String, Phase> phases = new ConcurrentHashMap<>();
    private final String prefix;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long markMillis = Long.MAX_VALUE;
    private final AtomicLong firstAfterMark = new AtomicLong();

    OutcomeWatcher(BenchEnvironment env, String topic, String runId) {
        Map<String, Object> p = Map.of(
                "bootstrap.servers",
                env.bootstrap(),
                "isolation.level",
                "read_committed",
                "enable.auto.commit",
                "false",
                "fetch.max.wait.ms",
                "10",
                "client.id",
                "bench-watcher-" + runId);
        WireFormatDeserializer d = new WireFormatDeserializer();
        d.configure(Map.of("schema.registry.url", env.registry.url(), "specific.avro.reader", "true"), false);
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), d);
        // From the run's own topic spec: metadata of a topic created a moment ago may not have reached us yet.
        List<TopicPartition> tps = IntStream.range(0, env.partitions)
                .mapToObj(i -> new TopicPartition(topic, i))
                .toList();
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        tps.forEach(consumer::position);
        prefix = runId + ".";
        thread = new Thread(this::loop, THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
    }

    void watch(Phase phase) {
        phases.put(phase.name, phase);
    }

    private void loop() {
        try {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(50));
                long now = System.currentTimeMillis();
                for (ConsumerRecord<String, Object> r : records) {
                    if (r.value() instanceof CommandOutcome o) {
                        record(o, now);
                    }
                }
            }
        } catch (WakeupException stopping) {
            // close() woke us up
        } finally {
            consumer.close();
        }
    }

    /**
     * From now on, remember when the first outcome arrives of a command that was read at or after
     * {@code millis}: after a crash at that time, the first outcome of the new instance.
     */
    void mark(long millis) {
        firstAfterMark.set(0);
        markMillis = millis;
    }

    /** Arrival time of the first outcome after {@link #mark}, or 0 if none yet. */
    long firstAfterMark() {
        return firstAfterMark.get();
    }

    private void record(CommandOutcome o, long now) {
        if (o.getReceivedAt().toEpochMilli() >= markMillis) {
            firstAfterMark.compareAndSet(0, now);
        }
        String id = o.getCommandId();
        if (!id.startsWith(prefix)) {
            return;
        }
        int dot = id.indexOf('.', prefix.length());
        if (dot < 0) {
            return;
        }
        Phase phase = phases.get(id.substring(prefix.length(), dot));
        if (phase != null) {
            phase.arrived(Integer.parseInt(id.substring(dot + 1)), now, o.getStatus() == OutcomeStatus.SUCCEEDED);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
