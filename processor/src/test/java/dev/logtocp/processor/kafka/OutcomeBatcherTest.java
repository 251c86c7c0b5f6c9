package dev.logtocp.processor.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.processor.idempotency.IdempotencyLedger;
import dev.logtocp.processor.idempotency.LedgerCodec;
import dev.logtocp.processor.idempotency.LedgerStore;
import dev.logtocp.processor.idempotency.ReferenceMap;
import dev.logtocp.processor.metrics.ProcessorMetrics;
import dev.logtocp.processor.ownership.OwnershipGate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What goes into a transaction: completions within the commit metadata's range of their partition, not those of a
 * partition this instance no longer holds; a failed transaction rewinds and settles its completions.
 */
class OutcomeBatcherTest {
    private static final TopicPartition P0 = new TopicPartition("cmds", 0);
    private static final Duration FLUSH = Duration.ofSeconds(10);

    @TempDir
    Path stateDir;

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final TransactionPublisher publisher = new TransactionPublisher(producer, "publisher-under-test");
    private final AssignedPartitions held = new AssignedPartitions(consumer);
    private IdempotencyLedger ledger;
    private OutcomeBatcher batcher;

    @BeforeEach
    void open() {
        consumer.assign(List.of(P0));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        ledger = new IdempotencyLedger(
                Duration.ofDays(1),
                Clock.systemUTC(),
                new LedgerCodec("cmds.ledger", LoopFixture.AVRO_READ),
                LedgerStore.open(stateDir, Duration.ofDays(1)));
        producer.initTransactions();
        publisher.start();
        batcher = new OutcomeBatcher(
                consumer,
                LoopFixture.AVRO_WRITE,
                publisher,
                new CommandPipeline.Memory(ledger, new ReferenceMap()),
                new OutcomeBatcher.Settled(new ProcessorMetrics(), held),
                Duration.ofMillis(5),
                Clock.systemUTC());
        held.assign(P0, new OffsetAndMetadata(0), new OwnershipGate(Duration.ofSeconds(30), System::nanoTime).open(P0));
    }

    @AfterEach
    void close() {
        publisher.close();
        ledger.close();
    }

    private static Completion completion(PartitionState state, long offset, AtomicInteger settled) {
        Completion.Output out = new Completion.Output(
                "outcomes",
                null,
                ("k" + offset).getBytes(StandardCharsets.UTF_8),
                ("v" + offset).getBytes(StandardCharsets.UTF_8),
                List.of());
        return new Completion(state, offset, List.of(out), null, null, settled::incrementAndGet);
    }

    private List<String> published() {
        return producer.history().stream()
                .map(ProducerRecord::value)
                .map(v -> new String(v, StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void aCompletionTooFarAheadOfTheLowestUnfinishedOffsetWaitsForIt() {
        PartitionState state = held.state(P0);
        long far = PartitionState.MAX_RANGE;
        state.track(0);
        state.track(far);
        AtomicInteger settled = new AtomicInteger();

        batcher.add(completion(state, far, settled));
        batcher.flush(FLUSH);
        assertThat(published())
                .as("publishing it now could not be recorded in the commit metadata")
                .isEmpty();
        assertThat(batcher.isEmpty()).as("it waits, it is not dropped").isFalse();
        assertThat(settled).hasValue(0);

        batcher.add(completion(state, 0, settled));
        batcher.flush(FLUSH); // offset 0 goes first and moves the lowest unfinished offset up
        batcher.flush(FLUSH); // now the far one is within range

        assertThat(published()).containsExactly("v0", "v" + far);
        assertThat(batcher.isEmpty()).isTrue();
        assertThat(settled).hasValue(2);
        Map<TopicPartition, OffsetAndMetadata> last = producer.consumerGroupOffsetsHistory()
                .getLast()
                .values()
                .iterator()
                .next();
        assertThat(last.get(P0).offset()).isEqualTo(far + 1);
    }

    @Test
    void aCompletionOfAPartitionNoLongerActiveIsDroppedAndSettled() {
        PartitionState state = held.state(P0);
        state.track(0);
        held.drop(List.of(P0));
        AtomicInteger settled = new AtomicInteger();

        batcher.add(completion(state, 0, settled));
        batcher.flush(FLUSH);

        assertThat(published()).isEmpty();
        assertThat(producer.commitCount()).isZero();
        assertThat(batcher.isEmpty()).isTrue();
        assertThat(settled).as("its key is freed").hasValue(1);
    }

    @Test
    void aFailedTransactionRewindsItsPartitionAndSettlesItsCompletions() {
        consumer.commitSync(Map.of(P0, new OffsetAndMetadata(3)));
        consumer.seek(P0, 9);
        PartitionState state = held.state(P0);
        state.track(3);
        AtomicInteger settled = new AtomicInteger();
        producer.commitTransactionException = new KafkaException("injected");

        batcher.add(completion(state, 3, settled));
        batcher.flush(FLUSH);

        assertThat(producer.transactionAborted()).isTrue();
        assertThat(published()).isEmpty();
        assertThat(settled).hasValue(1);
        assertThat(state.active()).isFalse();
        assertThat(held.state(P0)).isNotSameAs(state);
        assertThat(consumer.position(P0)).isEqualTo(3);
    }
}
