package dev.logtocp.processor.kafka;

import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.processor.idempotency.IdempotencyLedger;
import dev.logtocp.processor.idempotency.ReferenceMap;
import dev.logtocp.processor.metrics.ProcessorMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns finished work into transactions: collects completions (from any thread), assembles a batch with the
 * offsets it allows, serializes it with the audit chain linked, and hands it to the {@link TransactionPublisher};
 * then applies what the publisher reports: ledger and reference commits, or a rewind after a failed transaction.
 *
 * <p>Consumer thread only, except {@link #add}. Each finished command's outputs and the consumer offsets up to the
 * lowest unfinished offset of each partition are published in one transaction, so a {@code read_committed} reader
 * sees exactly one outcome per command.
 */
final class OutcomeBatcher {
    private static final Logger LOGGER = LoggerFactory.getLogger(OutcomeBatcher.class);

    private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
    private final Consumer<byte[], byte[]> consumer;
    private final Serializer<Object> serializer;
    private final TransactionPublisher publisher;
    private final AuditLinks auditLinks;
    private final CommandPipeline.Memory memory;
    private final Settled settled;
    private final Duration commitInterval;
    private final Clock clock;
    /** Incremented after each failed transaction; batches of older epochs are not committed. */
    private long publishEpoch;

    private Instant oldestUnpublished;

    /** Told what to do once the publisher has spoken: metrics, and the partitions to read again. */
    record Settled(ProcessorMetrics stats, AssignedPartitions partitions) {}

    OutcomeBatcher(
            Consumer<byte[], byte[]> consumer,
            Serializer<Object> serializer,
            TransactionPublisher publisher,
            CommandPipeline.Memory memory,
            Settled settled,
            Duration commitInterval,
            Clock clock) {
        this.consumer = consumer;
        this.serializer = serializer;
        this.publisher = publisher;
        this.auditLinks = new AuditLinks(serializer);
        this.memory = memory;
        this.settled = settled;
        this.commitInterval = commitInterval;
        this.clock = clock;
    }

    /** Queues finished work for the next batch. Any thread. */
    void add(Completion completion) {
        completions.add(completion);
    }

    boolean isEmpty() {
        return completions.isEmpty();
    }

    /** Continues these audit partitions' chains from their last committed events (after an assignment). */
    void continueAuditChains(Map<Integer, String> lastCommitted) {
        auditLinks.continueFrom(lastCommitted);
    }

    /**
     * Publishes finished work with the offsets it allows, in one transaction. Waits up to the commit interval to
     * batch completions unless {@code force}.
     */
    void publish(boolean force) {
        if (completions.isEmpty()) {
            oldestUnpublished = null;
            return;
        }
        Instant now = clock.instant();
        if (oldestUnpublished == null) {
            oldestUnpublished = now;
        }
        if (!force && Duration.between(oldestUnpublished, now).compareTo(commitInterval) < 0) {
            return;
        }
        oldestUnpublished = null;
        List<Completion> batch = takePublishable();
        if (batch.isEmpty()) {
            return;
        }
        Map<Integer, String> chainBefore = auditLinks.snapshot();
        Map<Completion, byte[]> ledgerValues = new IdentityHashMap<>();
        List<ProducerRecord<byte[], byte[]>> records;
        try {
            records = serialize(batch, ledgerValues);
        } catch (KafkaException e) {
            auditLinks.restore(chainBefore);
            // Most likely the registry is unreachable for a first-time schema: keep the batch and try again.
            LOGGER.atWarn()
                    .addKeyValue("error", e.getClass().getSimpleName())
                    .log("cannot serialize outcomes yet; retrying");
            completions.addAll(batch);
            return;
        }
        Set<PartitionState> touched = new HashSet<>();
        for (Completion c : batch) {
            c.partition().finish(c.offset());
            touched.add(c.partition());
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionState state : touched) {
            state.takeCommit().ifPresent(commit -> offsets.put(state.partition(), commit));
        }
        publisher.submit(new TransactionPublisher.Batch(
                publishEpoch, batch, records, offsets, consumer.groupMetadata(), touched, chainBefore, ledgerValues));
        applyResults();
    }

    /**
     * The completions that may go into a transaction now. Those of inactive partitions are dropped (their next
     * owner publishes them); those too far ahead of their partition's lowest unfinished offset to be recorded in the
     * commit metadata wait, because publishing them now could publish them twice after a crash.
     */
    private List<Completion> takePublishable() {
        List<Completion> batch = new ArrayList<>();
        List<Completion> later = new ArrayList<>();
        for (Completion c; (c = completions.poll()) != null; ) {
            if (!c.partition().active()) {
                c.settle();
            } else if (c.partition().withinRange(c.offset())) {
                batch.add(c);
            } else {
                later.add(c);
            }
        }
        completions.addAll(later);
        return batch;
    }

    /**
     * Applies what the publisher finished: ledger and reference commits, or rewinds after a failed transaction.
     *
     * @throws FatalPublishException when the producer was fenced: this instance may publish nothing more
     */
    void applyResults() {
        for (TransactionPublisher.Result result; (result = publisher.poll()) != null; ) {
            TransactionPublisher.Batch batch = result.batch();
            switch (result) {
                case TransactionPublisher.Committed committed -> committed(batch);
                case TransactionPublisher.Failed failed -> {
                    if (batch.epoch() == publishEpoch) {
                        // The first failure of this epoch: later batches of it were not committed either, so the
                        // audit chains go back to where this batch started.
                        LOGGER.atWarn()
                                .addKeyValue("error", String.valueOf(failed.cause()))
                                .log("transaction failed, re-reading the affected partitions");
                        auditLinks.restore(batch.auditChainBefore());
                        publishEpoch++;
                    }
                    settled.partitions().rewind(batch.touched());
                    batch.completions().forEach(Completion::settle);
                }
                case TransactionPublisher.Fatal fatal -> throw new FatalPublishException(fatal.cause());
            }
        }
    }

    private void committed(TransactionPublisher.Batch batch) {
        settled.stats().transactionCommitted();
        IdempotencyLedger ledger = memory.ledger();
        ReferenceMap references = memory.references();
        for (Completion c : batch.completions()) {
            c.settle();
            int partition = c.partition().partition().partition();
            if (c.ledgerEntry() != null) {
                ledger.committed(
                        partition, c.ledgerEntry(), batch.ledgerValues().get(c));
            }
            if (c.reference() != null) {
                references.committed(
                        partition, c.reference().externalId(), c.reference().userId());
            }
        }
    }

    /** Publishes everything finished so far and waits until it is committed (rebalance, shutdown). */
    void flush(Duration timeout) {
        publish(true);
        publisher.awaitIdle(timeout);
        applyResults();
    }

    /**
     * Serializes a batch in publish order. Audit events are linked here, on the one thread that publishes, in the
     * order they will be committed.
     */
    private List<ProducerRecord<byte[], byte[]>> serialize(
            List<Completion> batch, Map<Completion, byte[]> ledgerValues) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(batch.size() * 2);
        for (Completion c : batch) {
            for (Completion.Output o : c.outputs()) {
                if (o.value() instanceof AuditEvent event && o.partition() != null) {
                    byte[] value = auditLinks.linkAndSerialize(o.topic(), o.partition(), event);
                    out.add(new ProducerRecord<>(o.topic(), o.partition(), o.key(), value, o.headers()));
                    continue;
                }
                // A null value is a tombstone (a removed externalId mapping).
                byte[] value = o.value() == null
                        ? null
                        : o.value() instanceof byte[] raw ? raw : serializer.serialize(o.topic(), o.value());
                if (o.value() == c.ledgerEntry() && value != null) {
                    // Kept for the ledger store, which holds entries in exactly this form once they commit.
                    ledgerValues.put(c, value);
                }
                out.add(new ProducerRecord<>(o.topic(), o.partition(), o.key(), value, OutcomeRecordHeaders.of(o)));
            }
        }
        return out;
    }

    /** The producer was fenced or lost its authority: nothing more may be published by this instance. */
    static final class FatalPublishException extends RuntimeException {
        FatalPublishException(Throwable cause) {
            super(cause);
        }
    }
}
