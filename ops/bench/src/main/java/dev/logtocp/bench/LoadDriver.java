package dev.logtocp.bench;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.schema.wire.WireFormatSerializer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes the commands of a run: {@code UserCreate}s in the wire format, command id
 * {@code <run>.<phase>.<index>}, a fresh username each, keyed {@code k<index mod K>} so K keys share the load. Each
 * record carries its send time as its timestamp, which is where end-to-end latency starts.
 */
final class LoadDriver implements AutoCloseable {
    static final String ISSUER = "bench";
    static final String CLIENT_ID_PREFIX = "bench-load-";
    /** A backlog of millions takes a while to write; this many records between progress lines. */
    static final int PROGRESS_EVERY = 500_000;

    private final KafkaProducer<String, Object> producer;
    private final String topic;
    private final String runId;
    private final int keys;
    private volatile boolean stopped;

    LoadDriver(BenchEnvironment env, String topic, String runId, int keys) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", env.bootstrap());
        p.put("client.id", CLIENT_ID_PREFIX + runId);
        p.put("acks", "all");
        p.put("linger.ms", "2");
        Map<String, Object> serde =
                Map.of("schema.registry.url", env.registry.url(), "value.subject.name.strategy", "record");
        WireFormatSerializer serializer = new WireFormatSerializer();
        serializer.configure(serde, false);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), serializer);
        this.topic = topic;
        this.runId = runId;
        this.keys = keys;
    }

    /**
     * Sends the phase's commands, as fast as the producer takes them when {@code perSecond <= 0}, else paced
     * to that rate (open loop: the schedule does not wait for outcomes). Each command is built just before it is
     * due, so a backlog of millions costs no more heap than a burst of a thousand; building it before the wait
     * keeps its cost out of the schedule. Phases larger than {@link #PROGRESS_EVERY} report their progress.
     */
    void send(Phase phase, double perSecond) {
        long start = System.nanoTime();
        for (int i = 0; i < phase.count && !stopped; i++) {
            UserCreate command = command(phase.name, i);
            if (perSecond > 0) {
                long due = start + (long) (i * 1e9 / perSecond);
                long wait = due - System.nanoTime();
                if (wait > 200_000) {
                    LockSupport.parkNanos(wait);
                }
            }
            long now = System.currentTimeMillis();
            phase.sent(i, now);
            producer.send(new ProducerRecord<>(topic, null, now, "k" + (i % keys), command));
            if ((i + 1) % PROGRESS_EVERY == 0) {
                BenchRunner.say(String.format(
                        "%s: %,d of %,d commands sent (%.0f s)",
                        phase.name, i + 1, phase.count, (System.nanoTime() - start) / 1e9));
            }
        }
        producer.flush();
    }

    private UserCreate command(String phase, int i) {
        String id = commandId(runId, phase, i);
        return UserCreate.newBuilder()
                .setMeta(CommandMeta.newBuilder()
                        .setCommandId(id)
                        .setIdempotencyKey(id)
                        .setIssuer(ISSUER)
                        .setIssuedAt(Instant.now())
                        .build())
                .setUsername("u" + runId + "_" + phase + "_" + i)
                .setName("Bench user " + i)
                .build();
    }

    /** Ends a {@link #send} in progress (from another thread) after the current record. */
    void stop() {
        stopped = true;
    }

    static String commandId(String runId, String phase, int index) {
        return runId + "." + phase + "." + index;
    }

    @Override
    public void close() {
        stopped = true;
        producer.close();
    }
}
