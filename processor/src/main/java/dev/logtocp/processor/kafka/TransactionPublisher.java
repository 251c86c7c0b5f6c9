package dev.logtocp.processor.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * Commits batches of finished work, one Kafka transaction each, on its own thread, so the consumer thread goes on
 * reading and handing out commands while a transaction is being committed (it used to spend half its time waiting
 * in {@code sendOffsetsToTransaction} and {@code commitTransaction}). At most one batch waits while one commits:
 * {@link #submit} blocks beyond that, which is the backpressure.
 *
 * <p>Batches commit strictly in submission order. After a failed transaction every batch already submitted with
 * the same or an older epoch is failed without being tried, because its commit position may lie past the records
 * of the failed batch; the consumer thread rewinds those partitions and moves to a new epoch. Results are handed
 * back through {@link #poll}; the consumer thread applies them (ledger, metrics, rewinds).
 */
final class TransactionPublisher implements AutoCloseable {

    /** One transaction's worth of work, assembled on the consumer thread. */
    /** @param ledgerValues the serialized ledger record of each completion that has one (identity-keyed) */
    record Batch(
            long epoch,
            List<Completion> completions,
            List<ProducerRecord<byte[], byte[]>> records,
            Map<TopicPartition, OffsetAndMetadata> offsets,
            ConsumerGroupMetadata group,
            Set<PartitionState> touched,
            Map<Integer, String> auditChainBefore,
            Map<Completion, byte[]> ledgerValues) {}

    sealed interface Result {
        Batch batch();
    }

    record Committed(Batch batch) implements Result {}

    /** Aborted, or skipped because an earlier batch of its epoch failed; {@code cause} is null when skipped. */
    record Failed(Batch batch, KafkaException cause) implements Result {}

    /** The producer was fenced or lost its authority: this instance must stop publishing. */
    record Fatal(Batch batch, KafkaException cause) implements Result {}

    private final Producer<byte[], byte[]> producer;
    private final BlockingQueue<Batch> waiting = new ArrayBlockingQueue<>(1);
    private final ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
    /** Batches submitted whose result has not been handed back yet. */
    private final AtomicInteger outstanding = new AtomicInteger();

    private final Thread thread;
    private volatile boolean running = true;
    /** Publisher thread only: batches of this epoch or older are failed without being tried. */
    private long failedEpoch = -1;

    TransactionPublisher(Producer<byte[], byte[]> producer, String name) {
        this.producer = producer;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Hands a batch over; blocks while another batch is already waiting. Consumer thread only. */
    void submit(Batch batch) {
        outstanding.incrementAndGet();
        try {
            // Bounded waits: once the publisher thread has stopped (a Fatal result), nothing will take the batch,
            // and the caller must get back to reading that result instead of waiting here for ever.
            while (!waiting.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                if (!running || !thread.isAlive()) {
                    outstanding.decrementAndGet();
                    return;
                }
            }
        } catch (InterruptedException e) {
            outstanding.decrementAndGet();
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while handing a batch to the publisher", e);
        }
    }

    /** The next result, in submission order, or null. */
    Result poll() {
        return results.poll();
    }

    /** Waits until every submitted batch has a result (or the timeout passes); true when idle. */
    boolean awaitIdle(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (outstanding.get() > 0) {
            if (Instant.now().isAfter(deadline) || !thread.isAlive()) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void run() {
        while (running) {
            Batch batch;
            try {
                batch = waiting.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (batch == null) {
                continue;
            }
            Result result = batch.epoch() <= failedEpoch ? new Failed(batch, null) : commit(batch);
            results.add(result);
            outstanding.decrementAndGet();
            if (result instanceof Fatal) {
                running = false;
            }
        }
    }

    private Result commit(Batch batch) {
        try {
            producer.beginTransaction();
            for (ProducerRecord<byte[], byte[]> record : batch.records()) {
                producer.send(record);
            }
            if (!batch.offsets().isEmpty()) {
                producer.sendOffsetsToTransaction(batch.offsets(), batch.group());
            }
            producer.commitTransaction();
            return new Committed(batch);
        } catch (ProducerFencedException
                | InvalidProducerEpochException
                | FencedInstanceIdException
                | OutOfOrderSequenceException
                | AuthorizationException e) {
            return new Fatal(batch, e);
        } catch (KafkaException e) {
            failedEpoch = batch.epoch();
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailed) {
                return new Fatal(batch, abortFailed);
            } catch (RuntimeException abortRefused) {
                // E.g. IllegalStateException after a timed-out commit: the transaction's state is unknown, so this
                // producer may publish nothing more; the batch still gets a result.
                return new Fatal(batch, new KafkaException("the transaction could not be aborted", abortRefused));
            }
            return new Failed(batch, e);
        } catch (RuntimeException e) {
            // Not a Kafka error: the transaction's state is unknown. Reported, never left without a result.
            return new Fatal(batch, new KafkaException("unexpected failure in a transaction", e));
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
