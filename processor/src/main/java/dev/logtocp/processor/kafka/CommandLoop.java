package dev.logtocp.processor.kafka;

import dev.logtocp.processor.command.CommandExecutor;
import dev.logtocp.processor.command.CommandHandler;
import dev.logtocp.processor.command.HandlerRegistry;
import dev.logtocp.processor.config.EngineSettings;
import dev.logtocp.processor.config.KafkaSettings;
import dev.logtocp.processor.idempotency.IdempotencyLedger;
import dev.logtocp.processor.idempotency.LedgerRestorer;
import dev.logtocp.processor.idempotency.ReferenceMap;
import dev.logtocp.processor.logto.CircuitBreaker;
import dev.logtocp.processor.metrics.ProcessorMetrics;
import dev.logtocp.processor.ownership.OwnershipGate;
import dev.logtocp.processor.ownership.PartitionLease;
import dev.logtocp.processor.security.CommandGate;
import io.vertx.core.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer thread: polls command records, admits each (decode, issuer policy), hands them to the
 * {@link KeyedDispatch}, and lets the {@link OutcomeBatcher} publish finished work. It owns the
 * {@code KafkaConsumer} and never waits on Logto.
 *
 * <p>Every method of this class, of the {@link PartitionRebalance} listener (called inside {@code poll}), of
 * {@link AssignedPartitions}, {@link ConsumptionPauses} and {@link OutcomeBatcher} runs on this one thread; the
 * accessors read by health checks ({@link #isAssigned}, {@link #inFlight}, {@link #failure}) are thread-safe. A
 * crash re-runs at most the unfinished work (which the handlers' natural idempotency makes safe). A fenced producer
 * means another instance owns our partitions: this instance stops publishing.
 */
public final class CommandLoop implements Runnable {
    private static final Logger LOGGER = LoggerFactory.getLogger(CommandLoop.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(100);
    private static final Duration BUSY_POLL = Duration.ofMillis(5);
    private static final Duration REGISTRY_BACKOFF = Duration.ofSeconds(1);
    private static final Duration LAG_REPORT_INTERVAL = Duration.ofSeconds(1);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration FINAL_FLUSH = Duration.ofSeconds(30);

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final CommandDecoder decoder;
    private final CommandGate gate;
    private final CircuitBreaker breaker;
    private final Settings settings;
    private final Ownership ownership;
    private final ProcessorMetrics stats;
    private final Clock clock;
    private final TransactionPublisher publisher;
    private final AssignedPartitions partitions;
    private final ConsumptionPauses pauses;
    private final OutcomeBatcher batcher;
    private final CommandOutputs outputs;
    private final KeyedDispatch dispatch;
    private final PartitionRebalance rebalance;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile Throwable failure;
    private Instant nextLagReport = Instant.EPOCH;

    /** The Kafka clients the loop owns and closes, and the value serdes of the registry's wire format. */
    public record Clients(
            Consumer<byte[], byte[]> consumer,
            Producer<byte[], byte[]> producer,
            Serializer<Object> valueSerializer,
            Deserializer<Object> valueDeserializer) {}

    /**
     * What runs the commands.
     *
     * @param schedulerContext  the one context that keeps per-key order
     * @param executionContexts the contexts commands run on, chosen by key
     * @param breaker           Logto's circuit breaker: consumption pauses while it is open
     */
    public record Execution(
            HandlerRegistry handlers,
            CommandGate gate,
            CommandExecutor executor,
            Context schedulerContext,
            List<Context> executionContexts,
            CircuitBreaker breaker) {}

    /** The processor's memory: idempotency decisions, externalId mappings, and how both are restored. */
    public record Stores(IdempotencyLedger ledger, ReferenceMap references, LedgerRestorer restorer) {}

    public record Settings(KafkaSettings kafka, EngineSettings engine) {}

    /**
     * How this instance guards Logto against its own stale work.
     *
     * @param gate          the membership lease every Logto call checks through its partition's lease
     * @param callsEnd      how long a revocation waits for calls already on the wire (the request timeout, plus slack)
     * @param commitBarrier true: a key's next command starts only once the previous one's outcome is committed, so a
     *                      crash re-sends at most the latest command of each key; false: it starts once the previous
     *                      one has executed (faster for keys with many commands in a row, but a crash can re-apply
     *                      an older command of a key after a newer one)
     */
    public record Ownership(OwnershipGate gate, Duration callsEnd, boolean commitBarrier) {}

    public CommandLoop(
            Clients clients,
            Execution execution,
            Stores stores,
            Settings settings,
            Ownership ownership,
            ProcessorMetrics stats,
            Clock clock) {
        EngineSettings engine = settings.engine();
        this.consumer = clients.consumer();
        this.producer = clients.producer();
        HandlerRegistry handlers = execution.handlers();
        this.decoder = new CommandDecoder(clients.valueDeserializer(), handlers, engine.maxCommandBytes());
        this.gate = execution.gate();
        this.breaker = execution.breaker();
        this.settings = settings;
        this.ownership = ownership;
        this.stats = stats;
        this.clock = clock;
        this.publisher = new TransactionPublisher(producer, "transaction-publisher");
        this.partitions = new AssignedPartitions(consumer);
        this.pauses = new ConsumptionPauses(consumer, engine.maxBufferedRecords(), clock);
        CommandPipeline.Memory memory = new CommandPipeline.Memory(stores.ledger(), stores.references());
        this.batcher = new OutcomeBatcher(
                consumer,
                clients.valueSerializer(),
                publisher,
                memory,
                new OutcomeBatcher.Settled(stats, partitions),
                engine.commitInterval(),
                clock);
        this.outputs = new CommandOutputs(settings.kafka(), stats);
        this.dispatch = new KeyedDispatch(
                engine.maxInFlight(),
                execution.schedulerContext(),
                execution.executionContexts(),
                new CommandPipeline(execution.executor(), memory, outputs, batcher::add, clock),
                ownership.commitBarrier());
        this.rebalance = new PartitionRebalance(
                consumer,
                partitions,
                batcher,
                pauses,
                numbers -> restore(stores.restorer(), numbers),
                ownership,
                clock);
    }

    @Override
    public void run() {
        Thread ticker = ownership.gate().startTicker(Duration.ofMillis(100));
        try {
            producer.initTransactions();
            publisher.start();
            consumer.subscribe(settings.kafka().commandTopics(), rebalance);
            while (running) {
                boolean busy = dispatch.inFlight() > 0 || !batcher.isEmpty();
                admit(poll(busy ? BUSY_POLL : IDLE_POLL));
                batcher.publish(false);
                batcher.applyResults();
                int unfinished = partitions.unfinished();
                stats.buffered(unfinished);
                pauses.apply(unfinished, breaker.state() == CircuitBreaker.State.OPEN);
                reportLag();
            }
            drainOnShutdown();
        } catch (OutcomeBatcher.FatalPublishException e) {
            cannotPublish(e);
        } catch (RuntimeException | Error e) {
            if (e.getCause() instanceof OutcomeBatcher.FatalPublishException fatal) {
                // KafkaConsumer wraps what a rebalance listener throws: the revocation's flush met the fenced producer.
                cannotPublish(fatal);
            } else {
                failure = e;
                LOGGER.atError().addKeyValue("error", e.toString()).setCause(e).log("command loop failed");
            }
        } finally {
            ticker.interrupt();
            // Before anything closes: work still running must make no further call and build no output.
            partitions.releaseAll();
            publisher.close();
            closeQuietly();
            stopped.countDown();
        }
    }

    private void cannotPublish(OutcomeBatcher.FatalPublishException e) {
        failure = e.getCause();
        LOGGER.atError()
                .addKeyValue("error", e.getCause().getClass().getSimpleName())
                .log("stopping: this instance can no longer publish; another instance owns its partitions");
    }

    /** Asks the loop to drain in-flight work (up to the shutdown timeout), publish it, and stop. Any thread. */
    public void stop() {
        running = false;
        consumer.wakeup();
    }

    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True while this instance holds at least one partition. */
    public boolean isAssigned() {
        return partitions.any();
    }

    /** Commands read and not yet finished (queued or executing). */
    public int inFlight() {
        return dispatch.inFlight();
    }

    /**
     * The lease this instance holds for {@code tp} now, or null. Consumer thread only: tests call it from a
     * {@code MockConsumer} poll task, to watch a revocation close the lease.
     */
    PartitionLease lease(TopicPartition tp) {
        return partitions.lease(tp);
    }

    /** Why the loop stopped on its own, if it did. */
    public Throwable failure() {
        return failure;
    }

    private Map<Integer, String> restore(LedgerRestorer restorer, SortedSet<Integer> numbers) {
        restorer.restore(numbers, Duration.ofMinutes(5));
        Map<Integer, String> lastAuditHashes =
                restorer.lastAuditHashes(settings.kafka().auditTopic(), numbers);
        stats.ledgerRestored();
        return lastAuditHashes;
    }

    /** Polls, and confirms the group membership lease when the poll returned while the consumer was a member. */
    private ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        OwnershipGate lease = ownership.gate();
        if (lease.takeRebalanceRequest()) {
            // The process stalled for a lease or longer: the group may have moved on without us hearing of it yet.
            // Rejoining makes the group say what we still own (revoked or lost callbacks first); calls wait meanwhile.
            LOGGER.atWarn()
                    .addKeyValue("leaseMs", lease.leaseBound().toMillis())
                    .log(
                            "this process stalled for a membership lease or more: rejoining the group before any further Logto call");
            consumer.enforceRebalance("process stalled for a membership lease");
        }
        long started = System.nanoTime();
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(timeout);
        } catch (WakeupException e) {
            return ConsumerRecords.empty();
        }
        if (consumer.groupMetadata().generationId() >= 0) {
            lease.confirmed(started);
        } else {
            lease.unconfirmed();
        }
        return records;
    }

    /**
     * Decodes and checks each record read, in partition order: commands go to the dispatch, undecodable records to
     * the dead-letter topic, and a record the registry cannot decode yet stops its partition until it can.
     */
    private void admit(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            pauses.resumeDueDecodes(partitions);
            return;
        }
        Instant receivedAt = clock.instant();
        List<AdmittedCommand> admitted = new ArrayList<>();
        for (TopicPartition tp : records.partitions()) {
            PartitionState state = partitions.state(tp);
            PartitionLease lease = partitions.lease(tp);
            if (state == null || lease == null) {
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                if (state.takePublishedBefore(record.offset())) {
                    // A previous owner published this record's outputs; only the offset needs to move past it.
                    state.track(record.offset());
                    batcher.add(new Completion(state, record.offset(), List.of()));
                    continue;
                }
                DecodeResult decoded = decoder.decode(record);
                if (decoded instanceof DecodeResult.Retry retry) {
                    LOGGER.atWarn()
                            .addKeyValue("partition", tp)
                            .addKeyValue("backoffMs", REGISTRY_BACKOFF.toMillis())
                            .addKeyValue("reason", retry.reason())
                            .log("schema registry unavailable, pausing the partition");
                    pauses.retryDecodeLater(tp, record.offset(), REGISTRY_BACKOFF);
                    break;
                }
                state.track(record.offset());
                if (decoded instanceof DecodeResult.Command command) {
                    admitted.add(new AdmittedCommand(
                            state,
                            lease,
                            record,
                            command.command(),
                            command.handler(),
                            receivedAt,
                            gateCheck(record, command.command(), command.handler())));
                } else if (decoded instanceof DecodeResult.Poison poison) {
                    batcher.add(outputs.poison(state, record, poison, receivedAt, clock.instant()));
                }
            }
        }
        dispatch.dispatch(admitted);
    }

    /** The issuer policy's verdict on a command, or null when it may run. */
    private CommandGate.Refusal gateCheck(
            ConsumerRecord<byte[], byte[]> record, SpecificRecord command, CommandHandler<SpecificRecord> handler) {
        return gate.check(
                handler.meta(command),
                command.getSchema().getName(),
                handler.roleEffects(command),
                handler.organizationAccess(command),
                record.topic(),
                record.value(),
                record.headers());
    }

    private void reportLag() {
        Instant now = clock.instant();
        if (now.isBefore(nextLagReport)) {
            return;
        }
        nextLagReport = now.plus(LAG_REPORT_INTERVAL);
        for (TopicPartition tp : partitions.partitions()) {
            consumer.currentLag(tp).ifPresent(lag -> stats.lag(tp, lag));
        }
    }

    private void drainOnShutdown() {
        consumer.pause(consumer.assignment());
        Instant deadline = clock.instant().plus(settings.engine().shutdownTimeout());
        while (dispatch.inFlight() > 0 && clock.instant().isBefore(deadline)) {
            poll(BUSY_POLL);
            batcher.publish(true);
            batcher.applyResults();
        }
        batcher.flush(FINAL_FLUSH);
        if (dispatch.inFlight() > 0) {
            LOGGER.atWarn()
                    .addKeyValue("unfinished", dispatch.inFlight())
                    .log("shutdown timeout: commands unfinished; they will run again after restart");
        }
    }

    private void closeQuietly() {
        try {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        } catch (RuntimeException e) {
            LOGGER.debug("consumer close failed", e);
        }
        try {
            producer.close(CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            LOGGER.debug("producer close failed", e);
        }
    }
}
