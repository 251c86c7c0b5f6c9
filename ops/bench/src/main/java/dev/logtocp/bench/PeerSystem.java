package dev.logtocp.bench;

import io.confluent.parallelconsumer.ParallelConsumerOptions;
import io.confluent.parallelconsumer.ParallelConsumerOptions.CommitMode;
import io.confluent.parallelconsumer.ParallelConsumerOptions.ProcessingOrder;
import io.confluent.parallelconsumer.ParallelStreamProcessor;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The peer: Confluent's parallel-consumer with KEY ordering and {@code maxConcurrency=C}. Each command is a
 * blocking {@link UserCreateCall} on one of its C worker threads; the outcome goes back through
 * {@code pollAndProduce}. Commit mode is the library's default (asynchronous consumer commits, outcomes produced
 * without a transaction) unless {@code --peer-commit-mode} asks for {@code PERIODIC_TRANSACTIONAL_PRODUCER}.
 */
final class PeerSystem implements SystemUnderTest {
    private final CommitMode commitMode;
    private ParallelStreamProcessor<String, byte[]> pc;
    private UserCreateCall call;

    PeerSystem(CommitMode commitMode) {
        this.commitMode = commitMode;
    }

    @Override
    public String name() {
        return commitMode == CommitMode.PERIODIC_TRANSACTIONAL_PRODUCER ? "peer-tx" : "peer";
    }

    @Override
    public void start(RunContext run) {
        call = new UserCreateCall(
                run.env().simulator, run.env().registry.url(), run.topics().outcomes());
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", run.env().bootstrap());
        c.put("group.id", "bench-peer-" + run.runId());
        c.put("client.id", "bench-peer-consumer-" + run.runId());
        c.put("enable.auto.commit", "false");
        c.put("isolation.level", "read_committed");
        c.put("auto.offset.reset", "earliest");
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", run.env().bootstrap());
        p.put("client.id", "bench-peer-producer-" + run.runId());
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "5");
        if (commitMode == CommitMode.PERIODIC_TRANSACTIONAL_PRODUCER) {
            p.put("transactional.id", "bench-peer-" + run.runId());
        }
        ParallelConsumerOptions<String, byte[]> options = ParallelConsumerOptions.<String, byte[]>builder()
                .consumer(new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer()))
                .producer(new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer()))
                .ordering(ProcessingOrder.KEY)
                .maxConcurrency(run.scenario().concurrency())
                .commitMode(commitMode)
                // Its check reads a private field of the 3.x KafkaConsumer; 4.x delegates to another class.
                // Auto-commit is off above, which is what the check is for.
                .ignoreReflectiveAccessExceptionsForAutoCommitDisabledCheck(true)
                .retryDelayProvider(record -> Duration.ofMillis(200))
                .build();
        pc = ParallelStreamProcessor.createEosStreamProcessor(options);
        pc.subscribe(List.of(run.topics().commands()));
        pc.pollAndProduce(context -> call.apply(context.getSingleConsumerRecord()));
    }

    @Override
    public void close() {
        if (pc != null) {
            pc.closeDontDrainFirst(Duration.ofSeconds(30));
            pc = null;
        }
        if (call != null) {
            call.close();
            call = null;
        }
    }
}
