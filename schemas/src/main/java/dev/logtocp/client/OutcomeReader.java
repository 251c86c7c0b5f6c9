package dev.logtocp.client;

import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.schema.headers.OutcomeHeaders;
import dev.logtocp.schema.wire.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one outcome reader of a {@link CommandClient}: a single thread (named {@code command-client-outcomes-*}) that
 * owns a group-less {@code read_committed} consumer, assigns exactly the outcome partitions that submissions need,
 * matches outcomes to waiting submissions by command id (from the {@link OutcomeHeaders#COMMAND_ID} header, so
 * other producers' outcomes are skipped without decoding) and expires submissions whose timeout passed.
 *
 * <p>Other threads call {@link #expect} and {@link #fail}; everything that touches the consumer runs on the reader
 * thread. Futures are completed on the reader thread, so callbacks attached without an executor run there too.
 */
final class OutcomeReader implements Runnable {
    private static final Logger LOGGER = LoggerFactory.getLogger(OutcomeReader.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration POSITION_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration REGISTRY_BACKOFF = Duration.ofMillis(500);

    /** A submission waiting for its outcome. */
    private record Pending(
            String commandId,
            String idempotencyKey,
            Duration timeout,
            long deadlineNanos,
            CompletableFuture<CommandOutcome> future) {}

    /** A partition a submission needs assigned before its command may be sent. */
    private record Assignment(int partition, CompletableFuture<Void> done) {}

    private final Consumer<byte[], byte[]> consumer;
    private final Deserializer<Object> values;
    private final String topic;
    private final int maxPending;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Set<Integer> assigned = ConcurrentHashMap.newKeySet();
    private final LinkedBlockingQueue<Assignment> requests = new LinkedBlockingQueue<>();
    private volatile int partitionCount;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    OutcomeReader(Consumer<byte[], byte[]> consumer, Deserializer<Object> values, String topic, int maxPending) {
        this.consumer = consumer;
        this.values = values;
        this.topic = topic;
        this.maxPending = maxPending;
    }

    /**
     * Registers a submission and makes sure the outcome partition of {@code recordKey} is being read from a position
     * before anything the command can cause. Called on the submitting thread before the command is sent; blocks only
     * the first time a partition is needed (while the reader assigns it and resolves its position), at most
     * {@code timeout}.
     *
     * @throws CommandClientException when the client is closed or failed, too many submissions are pending, or the
     *                                partition could not be assigned in time
     */
    void expect(
            String commandId,
            String idempotencyKey,
            byte[] recordKey,
            Duration timeout,
            CompletableFuture<CommandOutcome> future) {
        if (!running || failure != null) {
            throw new CommandClientException(
                    commandId, "the client is closed" + (failure == null ? "" : " (" + failure.getMessage() + ")"));
        }
        if (pending.size() >= maxPending) {
            throw new CommandClientException(commandId, maxPending + " submissions are already waiting for outcomes");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        pending.put(commandId, new Pending(commandId, idempotencyKey, timeout, deadline, future));
        if (!running) {
            // The reader stopped between the check above and the registration: nobody would ever expire this one.
            pending.remove(commandId);
            throw new CommandClientException(commandId, "the client is closed");
        }
        int count = partitionCount;
        if (count > 0 && assigned.contains(partitionOf(recordKey, count))) {
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        requests.add(new Assignment(
                count > 0 ? partitionOf(recordKey, count) : -1 - Utils.toPositive(Utils.murmur2(recordKey)), done));
        consumer.wakeup();
        try {
            done.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            pending.remove(commandId);
            throw new CommandClientException(
                    commandId,
                    "cannot read the outcome topic " + topic + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            pending.remove(commandId);
            throw new CommandTimeoutException(commandId, idempotencyKey, timeout);
        } catch (InterruptedException e) {
            pending.remove(commandId);
            Thread.currentThread().interrupt();
            throw new CommandClientException(commandId, "interrupted while the outcome partition was assigned");
        }
    }

    /** Fails a submission (its command could not be sent); no-op when it already ended. */
    void fail(String commandId, CommandClientException error) {
        Pending p = pending.remove(commandId);
        if (p != null) {
            p.future().completeExceptionally(error);
        }
    }

    /** Submissions waiting right now. */
    int pendingCount() {
        return pending.size();
    }

    /** The outcome partitions this reader has assigned so far. */
    Set<Integer> assignedPartitions() {
        return Set.copyOf(assigned);
    }

    void stop() {
        running = false;
        consumer.wakeup();
    }

    /** The partition the default partitioner picks for {@code key}: where the processor's outcome for it lands. */
    static int partitionOf(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    @Override
    public void run() {
        try {
            while (running) {
                try {
                    assignRequested();
                    if (assigned.isEmpty()) {
                        Assignment next = requests.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
                        if (next != null) {
                            requests.add(next);
                        }
                    } else {
                        read(consumer.poll(POLL));
                    }
                } catch (WakeupException e) {
                    // A new partition is wanted, or the client is closing: the loop looks at both.
                }
                expire();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
            LOGGER.atError().addKeyValue("topic", topic).setCause(e).log("outcome reader stopped");
        } finally {
            running = false;
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOGGER.atDebug().setCause(e).log("closing the outcome consumer");
            }
            failAll(failure == null ? "the client was closed" : "the outcome reader failed: " + failure.getMessage());
        }
    }

    private void assignRequested() {
        List<Assignment> batch = new ArrayList<>();
        requests.drainTo(batch);
        if (batch.isEmpty()) {
            return;
        }
        try {
            if (partitionCount == 0) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, POSITION_TIMEOUT);
                if (infos == null || infos.isEmpty()) {
                    throw new IllegalStateException("outcome topic " + topic + " does not exist");
                }
                partitionCount = infos.size();
            }
            Set<TopicPartition> wanted = new HashSet<>();
            List<TopicPartition> added = new ArrayList<>();
            for (Assignment a : batch) {
                // A request made before the partition count was known carries -1 - hash instead of a partition.
                int p = a.partition() >= 0 ? a.partition() : (-1 - a.partition()) % partitionCount;
                if (!assigned.contains(p)) {
                    added.add(new TopicPartition(topic, p));
                }
                wanted.add(new TopicPartition(topic, p));
            }
            if (!added.isEmpty()) {
                Set<TopicPartition> all = new HashSet<>(consumer.assignment());
                all.addAll(added);
                consumer.assign(all);
                // read_committed: the end is the last stable offset. The commands are sent after this, so their
                // outcomes come later in the partition.
                consumer.seekToEnd(added);
                for (TopicPartition tp : added) {
                    consumer.position(tp, POSITION_TIMEOUT);
                    assigned.add(tp.partition());
                }
                LOGGER.atDebug()
                        .addKeyValue("topic", topic)
                        .addKeyValue("partitions", added)
                        .log("reading outcome partitions");
            }
            batch.forEach(a -> a.done().complete(null));
        } catch (WakeupException e) {
            requests.addAll(batch);
        } catch (RuntimeException e) {
            batch.forEach(a -> a.done().completeExceptionally(e));
        }
    }

    private void read(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
        if (pending.isEmpty()) {
            return;
        }
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                if (!offer(record)) {
                    // The registry could not be reached for an outcome someone waits for: read it again shortly.
                    consumer.seek(tp, record.offset());
                    Thread.sleep(REGISTRY_BACKOFF.toMillis());
                    break;
                }
            }
        }
    }

    /** Completes the submission {@code record} answers, if any; false when it must be read again later. */
    private boolean offer(ConsumerRecord<byte[], byte[]> record) {
        String commandId = OutcomeHeaders.commandId(record.headers());
        if (commandId != null && !pending.containsKey(commandId)) {
            return true;
        }
        CommandOutcome outcome;
        try {
            if (!(values.deserialize(record.topic(), record.value()) instanceof CommandOutcome o)) {
                return true;
            }
            outcome = o;
        } catch (WireFormatException e) {
            if (e.reason() == WireFormatException.Reason.REGISTRY_UNAVAILABLE) {
                return false;
            }
            if (commandId != null) {
                fail(
                        commandId,
                        new CommandClientException(
                                commandId, "its outcome could not be decoded: " + e.getMessage(), e));
            }
            return true;
        }
        Pending p = pending.remove(outcome.getCommandId());
        if (p != null) {
            p.future().complete(decision(outcome));
        }
        return true;
    }

    private void expire() {
        long now = System.nanoTime();
        for (Pending p : pending.values()) {
            if (now - p.deadlineNanos() >= 0 && pending.remove(p.commandId(), p)) {
                p.future()
                        .completeExceptionally(
                                new CommandTimeoutException(p.commandId(), p.idempotencyKey(), p.timeout()));
            }
        }
    }

    private void failAll(String reason) {
        for (Pending p : pending.values()) {
            if (pending.remove(p.commandId(), p)) {
                p.future().completeExceptionally(new CommandClientException(p.commandId(), reason));
            }
        }
        List<Assignment> left = new ArrayList<>();
        requests.drainTo(left);
        left.forEach(a -> a.done().completeExceptionally(new IllegalStateException(reason)));
    }

    /**
     * The decision an outcome reports. A DUPLICATE means the key was decided before: it surfaces as that decision
     * (its {@code details.originalStatus}), keeping this submission's command id and the details that name the
     * original command ({@code originalCommandId}, {@code originalStatus}, {@code originalDecidedAt}).
     */
    static CommandOutcome decision(CommandOutcome outcome) {
        if (outcome.getStatus() != OutcomeStatus.DUPLICATE) {
            return outcome;
        }
        String original =
                outcome.getDetails() == null ? null : outcome.getDetails().get("originalStatus");
        if (original == null) {
            return outcome;
        }
        try {
            return CommandOutcome.newBuilder(outcome)
                    .setStatus(OutcomeStatus.valueOf(original))
                    .build();
        } catch (IllegalArgumentException e) {
            return outcome;
        }
    }

    static byte[] keyBytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
