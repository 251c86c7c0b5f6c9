package dev.logtocp.processor.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TransactionPublisher} against Kafka's transactional {@link MockProducer}, initialised as the command loop
 * does before it starts the publisher. Results are read the way {@code CommandLoop.applyResults} reads them: after
 * {@link TransactionPublisher#awaitIdle}, in submission order through {@link TransactionPublisher#poll}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TransactionPublisherTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String GROUP = "logto-command-processor";
    private static final TopicPartition COMMANDS_0 = new TopicPartition("commands", 0);
    private static final TopicPartition COMMANDS_1 = new TopicPartition("commands", 1);

    private final CountingProducer producer = new CountingProducer();
    private TransactionPublisher publisher;

    @BeforeEach
    void start() {
        producer.initTransactions();
        publisher = new TransactionPublisher(producer, "transaction-publisher-test");
        publisher.start();
    }

    @AfterEach
    void stop() {
        producer.release();
        publisher.close();
    }

    // ---- committed batches ----

    @Test
    void batchIsPublishedInOneTransactionWithItsOffsets() {
        TransactionPublisher.Batch batch = batch(
                0,
                Map.of(COMMANDS_0, new OffsetAndMetadata(11), COMMANDS_1, new OffsetAndMetadata(4)),
                record("outcome-a"),
                record("audit-a"));

        publisher.submit(batch);

        assertThat(publisher.awaitIdle(WAIT)).isTrue();
        TransactionPublisher.Result result = publisher.poll();
        assertThat(result).isInstanceOf(TransactionPublisher.Committed.class);
        assertThat(result.batch()).isSameAs(batch);
        assertThat(publisher.poll()).as("one result per batch").isNull();
        assertThat(producer.transactionCommitted()).isTrue();
        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(producer.begins).hasValue(1);
        assertThat(producer.history()).containsExactlyElementsOf(batch.records());
        assertThat(producer.consumerGroupOffsetsHistory()).containsExactly(Map.of(GROUP, batch.offsets()));
    }

    @Test
    void batchWithoutOffsetsCommitsItsRecordsOnly() {
        TransactionPublisher.Batch batch = batch(0, Map.of(), record("outcome-a"));

        publisher.submit(batch);

        assertThat(publisher.awaitIdle(WAIT)).isTrue();
        assertThat(publisher.poll()).isInstanceOf(TransactionPublisher.Committed.class);
        assertThat(producer.history()).containsExactlyElementsOf(batch.records());
        assertThat(producer.sentOffsets()).isFalse();
        assertThat(producer.consumerGroupOffsetsHistory()).isEmpty();
    }

    @Test
    void batchesCommitOneTransactionEachInSubmissionOrder() {
        List<TransactionPublisher.Batch> batches = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            batches.add(batch(
                    0,
                    Map.of(COMMANDS_0, new OffsetAndMetadata(10 + i)),
                    record("outcome-" + i),
                    record("audit-" + i)));
        }

        batches.forEach(publisher::submit);

        assertThat(publisher.awaitIdle(WAIT)).isTrue();
        assertThat(drain()).extracting(TransactionPublisher.Result::batch).containsExactlyElementsOf(batches);
        assertThat(producer.commitCount()).isEqualTo(6);
        assertThat(producer.history())
                .containsExactlyElementsOf(
                        batches.stream().flatMap(b -> b.records().stream()).toList());
        assertThat(producer.consumerGroupOffsetsHistory())
                .containsExactlyElementsOf(
                        batches.stream().map(b -> Map.of(GROUP, b.offsets())).toList());
    }

    // ---- failed transactions ----

    @Test
    void failedCommitIsAbortedAndLaterBatchesOfItsEpochAreNotTried() {
        KafkaException boom = new KafkaException("commit failed");
        producer.commitTransactionException = boom;
        TransactionPublisher.Batch first = batch(3, Map.of(COMMANDS_0, new OffsetAndMetadata(11)), record("outcome-a"));

        publisher.submit(first);
        assertThat(publisher.awaitIdle(WAIT)).isTrue();
        producer.commitTransactionException = null;

        TransactionPublisher.Result failed = publisher.poll();
        assertThat(failed).isInstanceOf(TransactionPublisher.Failed.class);
        assertThat(((TransactionPublisher.Failed) failed).cause()).isSameAs(boom);
        assertThat(failed.batch()).isSameAs(first);
        assertThat(producer.transactionAborted()).isTrue();
        assertThat(producer.history())
                .as("nothing of the aborted batch is committed")
                .isEmpty();
        assertThat(producer.consumerGroupOffsetsHistory()).isEmpty();

        // Submitted before the consumer thread saw the failure: same epoch, so its offsets may lie past the records
        // of the failed batch. It is failed without being tried, though the producer would now commit it.
        TransactionPublisher.Batch sameEpoch =
                batch(3, Map.of(COMMANDS_0, new OffsetAndMetadata(12)), record("outcome-b"));
        TransactionPublisher.Batch olderEpoch =
                batch(2, Map.of(COMMANDS_1, new OffsetAndMetadata(7)), record("outcome-c"));
        TransactionPublisher.Batch nextEpoch =
                batch(4, Map.of(COMMANDS_0, new OffsetAndMetadata(11)), record("outcome-a2"));
        publisher.submit(sameEpoch);
        publisher.submit(olderEpoch);
        publisher.submit(nextEpoch);
        assertThat(publisher.awaitIdle(WAIT)).isTrue();

        List<TransactionPublisher.Result> results = drain();
        assertThat(results)
                .extracting(TransactionPublisher.Result::batch)
                .containsExactly(sameEpoch, olderEpoch, nextEpoch);
        assertThat(results.get(0)).isEqualTo(new TransactionPublisher.Failed(sameEpoch, null));
        assertThat(results.get(1)).isEqualTo(new TransactionPublisher.Failed(olderEpoch, null));
        assertThat(results.get(2)).isInstanceOf(TransactionPublisher.Committed.class);
        assertThat(producer.begins).as("skipped batches open no transaction").hasValue(2);
        assertThat(producer.history()).containsExactlyElementsOf(nextEpoch.records());
        assertThat(producer.consumerGroupOffsetsHistory()).containsExactly(Map.of(GROUP, nextEpoch.offsets()));
    }

    @Test
    void failedSendIsAbortedAndReportedWithItsCause() {
        KafkaException boom = new KafkaException("send failed");
        producer.sendException = boom;

        publisher.submit(batch(0, Map.of(COMMANDS_0, new OffsetAndMetadata(11)), record("outcome-a")));

        assertThat(publisher.awaitIdle(WAIT)).isTrue();
        TransactionPublisher.Result result = publisher.poll();
        assertThat(result).isInstanceOf(TransactionPublisher.Failed.class);
        assertThat(((TransactionPublisher.Failed) result).cause()).isSameAs(boom);
        assertThat(producer.transactionAborted()).isTrue();
        assertThat(producer.commitCount()).isZero();
        assertThat(producer.consumerGroupOffsetsHistory()).isEmpty();
    }

    @Test
    void failedOffsetCommitIsAbortedWithItsRecords() {
        KafkaException boom = new KafkaException("offsets failed");
        producer.sendOffsetsToTransactionException = boom;

        publisher.submit(batch(0, Map.of(COMMANDS_0, new OffsetAndMetadata(11)), record("outcome-a")));

        assertThat(publisher.awaitIdle(WAIT)).isTrue();
        TransactionPublisher.Result result = publisher.poll();
        assertThat(result).isInstanceOf(TransactionPublisher.Failed.class);
        assertThat(((TransactionPublisher.Failed) result).cause()).isSameAs(boom);
        assertThat(producer.transactionAborted()).isTrue();
        assertThat(producer.history())
                .as("the records sent before the offsets are aborted too")
                .isEmpty();
    }

    // ---- fatal errors ----

    static Stream<KafkaException> fatalErrors() {
        return Stream.of(
                new ProducerFencedException("fenced"),
                new InvalidProducerEpochException("old epoch"),
                new FencedInstanceIdException("instance fenced"),
                new OutOfOrderSequenceException("sequence"),
                new TransactionalIdAuthorizationException("no write access"));
    }

    @ParameterizedTest
    @MethodSource("fatalErrors")
    void fatalErrorStopsThePublisherWithoutAbortOrFurtherTransactions(KafkaException fatal) {
        producer.commitTransactionException = fatal;
        TransactionPublisher.Batch batch = batch(0, Map.of(COMMANDS_0, new OffsetAndMetadata(11)), record("outcome-a"));

        publisher.submit(batch);
        assertThat(publisher.awaitIdle(WAIT)).isTrue();
        producer.commitTransactionException = null;

        assertThat(publisher.poll()).isEqualTo(new TransactionPublisher.Fatal(batch, fatal));
        assertThat(producer.aborts).as("a fenced producer may not abort").hasValue(0);

        // Nothing more is published by this publisher, though the producer would now commit.
        publisher.submit(batch(1, Map.of(COMMANDS_0, new OffsetAndMetadata(12)), record("outcome-b")));
        assertThat(publisher.awaitIdle(Duration.ofMillis(500)))
                .as("a stopped publisher never becomes idle again")
                .isFalse();
        assertThat(publisher.poll()).isNull();
        assertThat(producer.begins).hasValue(1);
        assertThat(producer.commitCount()).isZero();
    }

    @Test
    void fencedProducerIsFatal() {
        producer.fenceProducer();
        TransactionPublisher.Batch batch = batch(0, Map.of(COMMANDS_0, new OffsetAndMetadata(11)), record("outcome-a"));

        publisher.submit(batch);

        assertThat(publisher.awaitIdle(WAIT)).isTrue();
        TransactionPublisher.Result result = publisher.poll();
        assertThat(result).isInstanceOf(TransactionPublisher.Fatal.class);
        assertThat(((TransactionPublisher.Fatal) result).cause()).isInstanceOf(ProducerFencedException.class);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void abortThatFailsIsFatal() {
        KafkaException commitFailed = new KafkaException("commit failed");
        KafkaException abortFailed = new KafkaException("abort failed");
        producer.commitTransactionException = commitFailed;
        producer.abortTransactionException = abortFailed;
        TransactionPublisher.Batch batch = batch(0, Map.of(COMMANDS_0, new OffsetAndMetadata(11)), record("outcome-a"));

        publisher.submit(batch);

        assertThat(publisher.awaitIdle(WAIT)).isTrue();
        assertThat(publisher.poll()).isEqualTo(new TransactionPublisher.Fatal(batch, abortFailed));
    }

    // ---- idleness, backpressure, close ----

    @Test
    void idleWhenNothingWasSubmitted() {
        assertThat(publisher.awaitIdle(Duration.ZERO)).isTrue();
        assertThat(publisher.poll()).isNull();
    }

    @Test
    void notIdleWhileATransactionIsCommitting() throws Exception {
        producer.holdCommits();
        TransactionPublisher.Batch batch = batch(0, Map.of(COMMANDS_0, new OffsetAndMetadata(11)), record("outcome-a"));

        publisher.submit(batch);
        assertThat(producer.awaitCommitStarted()).isTrue();

        assertThat(publisher.awaitIdle(Duration.ofMillis(50))).isFalse();
        assertThat(publisher.poll()).as("no result before the commit ends").isNull();

        producer.release();
        assertThat(publisher.awaitIdle(WAIT)).isTrue();
        assertThat(publisher.poll()).isInstanceOf(TransactionPublisher.Committed.class);
    }

    @Test
    void submitBlocksWhileOneBatchCommitsAndAnotherWaits() throws Exception {
        producer.holdCommits();
        publisher.submit(batch(0, Map.of(), record("outcome-a")));
        assertThat(producer.awaitCommitStarted()).isTrue();
        publisher.submit(batch(0, Map.of(), record("outcome-b"))); // waits in the hand-over slot

        CompletableFuture<Void> third =
                CompletableFuture.runAsync(() -> publisher.submit(batch(0, Map.of(), record("outcome-c"))));
        Thread.sleep(100);
        assertThat(third)
                .as("the third batch is held back while the publisher is busy")
                .isNotDone();

        producer.release();
        third.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(publisher.awaitIdle(WAIT)).isTrue();
        assertThat(drain()).hasSize(3).allMatch(r -> r instanceof TransactionPublisher.Committed);
        assertThat(producer.history())
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("outcome-a", "outcome-b", "outcome-c");
    }

    @Test
    void closeLetsTheRunningTransactionFinishAndStopsTheThread() throws Exception {
        producer.holdCommits();
        TransactionPublisher.Batch batch = batch(0, Map.of(COMMANDS_0, new OffsetAndMetadata(11)), record("outcome-a"));
        publisher.submit(batch);
        assertThat(producer.awaitCommitStarted()).isTrue();

        CompletableFuture<Void> closed = CompletableFuture.runAsync(publisher::close);
        Thread.sleep(50);
        assertThat(closed).as("close waits for the transaction in progress").isNotDone();
        producer.release();
        closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(publisher.poll()).isEqualTo(new TransactionPublisher.Committed(batch));
        assertThat(producer.transactionCommitted()).isTrue();

        publisher.submit(batch(0, Map.of(), record("outcome-b")));
        assertThat(publisher.awaitIdle(Duration.ofMillis(500)))
                .as("a closed publisher commits nothing more")
                .isFalse();
        assertThat(producer.begins).hasValue(1);
    }

    // ---- bugs found while writing these tests, now fixed ----

    /**
     * After a Fatal result the publisher thread stops; {@link TransactionPublisher#submit} used to wait for it: with
     * one batch left in the hand-over slot, the next submit blocked for ever. The command loop submits
     * ({@code publish}) before it reads results ({@code applyResults}), so after a fencing it can hang in submit
     * instead of stopping with the Fatal cause.
     */
    @Test
    void submitAfterTheThreadStoppedOnAFatalErrorDoesNotBlockForEver() throws Exception {
        producer.holdCommits();
        producer.commitTransactionException = new ProducerFencedException("fenced");
        publisher.submit(batch(0, Map.of(), record("outcome-a")));
        assertThat(producer.awaitCommitStarted()).isTrue();
        publisher.submit(batch(0, Map.of(), record("outcome-b"))); // waits in the hand-over slot
        producer.release();
        assertThat(publisher.awaitIdle(WAIT)).isFalse();
        assertThat(publisher.poll()).isInstanceOf(TransactionPublisher.Fatal.class);

        Thread submitter = new Thread(() -> publisher.submit(batch(1, Map.of(), record("outcome-c"))), "late-submit");
        submitter.setDaemon(true);
        submitter.start();
        submitter.join(WAIT.toMillis());
        try {
            assertThat(submitter.isAlive())
                    .as("submit returns (or throws) once the publisher has stopped")
                    .isFalse();
        } finally {
            submitter.interrupt();
        }
    }

    /**
     * Only KafkaException is caught around a transaction. The real producer answers abortTransaction after a timed-out
     * commitTransaction with an IllegalStateException ("the previous call to commitTransaction timed out and must be
     * retried"): the publisher thread then dies, the batch never gets a result and the command loop is not told.
     */
    @Test
    void exceptionOutsideKafkaExceptionStillGivesTheBatchAResult() {
        producer.commitTransactionException = new org.apache.kafka.common.errors.TimeoutException("commit timed out");
        producer.abortTransactionException = new IllegalStateException("previous call to commitTransaction timed out");
        TransactionPublisher.Batch batch = batch(0, Map.of(COMMANDS_0, new OffsetAndMetadata(11)), record("outcome-a"));

        publisher.submit(batch);

        assertThat(publisher.awaitIdle(WAIT)).as("the batch gets a result").isTrue();
        assertThat(publisher.poll()).isInstanceOf(TransactionPublisher.Fatal.class);
    }

    // ---- helpers ----

    private List<TransactionPublisher.Result> drain() {
        List<TransactionPublisher.Result> results = new ArrayList<>();
        for (TransactionPublisher.Result r; (r = publisher.poll()) != null; ) {
            results.add(r);
        }
        return results;
    }

    private static ProducerRecord<byte[], byte[]> record(String value) {
        return new ProducerRecord<>(
                "outcomes", "key".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    /** A batch as the command loop builds it: one completion per record, on the partitions whose offsets it commits. */
    @SafeVarargs
    private static TransactionPublisher.Batch batch(
            long epoch, Map<TopicPartition, OffsetAndMetadata> offsets, ProducerRecord<byte[], byte[]>... records) {
        PartitionState state = new PartitionState(COMMANDS_0);
        List<Completion> completions = new ArrayList<>();
        for (int i = 0; i < records.length; i++) {
            completions.add(new Completion(state, 10 + i, List.of()));
        }
        return new TransactionPublisher.Batch(
                epoch,
                completions,
                List.of(records),
                offsets,
                new ConsumerGroupMetadata(GROUP),
                Set.of(state),
                Map.of(),
                Map.of());
    }

    /** Counts transactions begun and aborted; can hold commits until released. */
    private static final class CountingProducer extends MockProducer<byte[], byte[]> {
        final AtomicInteger begins = new AtomicInteger();
        final AtomicInteger aborts = new AtomicInteger();
        private volatile CountDownLatch hold = new CountDownLatch(0);
        private final CountDownLatch commitStarted = new CountDownLatch(1);

        CountingProducer() {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        void holdCommits() {
            hold = new CountDownLatch(1);
        }

        void release() {
            hold.countDown();
        }

        boolean awaitCommitStarted() throws InterruptedException {
            return commitStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        public void beginTransaction() {
            begins.incrementAndGet();
            super.beginTransaction();
        }

        @Override
        public void abortTransaction() {
            aborts.incrementAndGet();
            super.abortTransaction();
        }

        @Override
        public void commitTransaction() {
            commitStarted.countDown();
            try {
                if (!hold.await(WAIT.toSeconds() * 2, TimeUnit.SECONDS)) {
                    throw new AssertionError("the test never released the commit");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new org.apache.kafka.common.errors.InterruptException(e);
            }
            super.commitTransaction();
        }
    }
}
