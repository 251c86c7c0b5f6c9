package dev.logtocp.processor.kafka;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.outcomes.SourcePosition;
import dev.logtocp.processor.audit.OutcomeFactory;
import dev.logtocp.processor.command.CommandExecutor;
import dev.logtocp.processor.command.CommandHandler;
import dev.logtocp.processor.command.ExecutionResult;
import dev.logtocp.processor.command.HandlerRegistry;
import dev.logtocp.processor.config.EngineSettings;
import dev.logtocp.processor.config.KafkaSettings;
import dev.logtocp.processor.idempotency.IdempotencyLedger;
import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.schema.audit.AuditChain;
import dev.logtocp.schema.headers.DeadLetterHeaders;
import dev.logtocp.schema.wire.WireFormat;
import dev.logtocp.processor.logto.CircuitBreaker;
import dev.logtocp.processor.security.CommandGate;
import dev.logtocp.processor.metrics.ProcessorMetrics;
import dev.logtocp.processor.idempotency.LedgerRestorer;
import dev.logtocp.processor.idempotency.PayloadHasher;
import dev.logtocp.internal.LedgerEntry;
import dev.logtocp.internal.UserReference;
import dev.logtocp.processor.idempotency.ReferenceMap;
import dev.logtocp.processor.logto.CallFencedException;
import dev.logtocp.processor.ownership.OwnershipGate;
import dev.logtocp.processor.ownership.PartitionLease;
import dev.logtocp.processor.schedule.KeyedScheduler;
import dev.logtocp.processor.security.RoleEffects;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer thread: reads command records, hands them to the scheduler, and publishes finished work.
 *
 * <p>It owns the {@code KafkaConsumer} and the transactional producer, and never waits on Logto. Each finished
 * command's outcome, audit event (or dead letter) and the consumer offsets up to the lowest unfinished offset of
 * each partition are published in one Kafka transaction, so a {@code read_committed} reader sees exactly one
 * outcome per command, and a crash re-runs at most the unfinished work (which the handlers' natural idempotency
 * makes safe). A fenced producer means another instance owns our partitions: this instance stops publishing.
 */
public final class CommandLoop implements Runnable {
    private static final Logger LOGGER = LoggerFactory.getLogger(CommandLoop.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(100);
    private static final Duration BUSY_POLL = Duration.ofMillis(5);
    private static final Duration REGISTRY_BACKOFF = Duration.ofSeconds(1);
    /** After the calls on the wire ended: how long commands answered by them get to finish and be published. */
    private static final Duration REVOKE_SETTLE = Duration.ofSeconds(2);

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final Serializer<Object> valueSerializer;
    private final CommandDecoder decoder;
    private final HandlerRegistry handlers;
    private final CommandExecutor executor;
    private final KeyedScheduler scheduler;
    private final Context schedulerContext;
    private final List<Context> executionContexts;
    private final KafkaSettings kafka;
    private final EngineSettings engine;
    private final Clock clock;
    private final IdempotencyLedger ledger;
    private final LedgerRestorer ledgerRestorer;
    private final ReferenceMap references;
    private final CircuitBreaker breaker;
    private final CommandGate gate;
    /** Hash of the last audit event published per audit partition; consumer thread only. */
    private final Map<Integer, String> auditChain = new HashMap<>();

    private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    /** This instance's hold on each assigned partition; the door every Logto call of its commands passes. */
    private final Map<TopicPartition, PartitionLease> leases = new HashMap<>();
    private final Ownership ownership;
    private final Map<TopicPartition, Instant> decodeBackoff = new HashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ProcessorMetrics stats;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private boolean pausedForBackpressure;
    private final TransactionPublisher publisher;
    /** Incremented after each failed transaction; batches of older epochs are not committed. */
    private long publishEpoch;
    private volatile boolean assigned;
    private Instant nextLagReport = Instant.EPOCH;
    private Instant oldestUnpublished;

    public CommandLoop(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, Serializer<Object> valueSerializer,
                       org.apache.kafka.common.serialization.Deserializer<Object> valueDeserializer, HandlerRegistry handlers,
                       CommandExecutor executor, Context schedulerContext, List<Context> executionContexts,
                       KafkaSettings kafka, EngineSettings engine,
                       IdempotencyLedger ledger, ReferenceMap references, LedgerRestorer ledgerRestorer, CircuitBreaker breaker,
                       CommandGate gate, Ownership ownership,
                       ProcessorMetrics stats, Clock clock) {
        this.consumer = consumer;
        this.producer = producer;
        this.valueSerializer = valueSerializer;
        this.handlers = handlers;
        this.decoder = new CommandDecoder(valueDeserializer, handlers, engine.maxCommandBytes());
        this.executor = executor;
        this.scheduler = new KeyedScheduler(engine.maxInFlight());
        this.schedulerContext = schedulerContext;
        this.executionContexts = List.copyOf(executionContexts);
        this.kafka = kafka;
        this.engine = engine;
        this.stats = stats;
        this.clock = clock;
        this.ledger = ledger;
        this.ledgerRestorer = ledgerRestorer;
        this.references = references;
        this.breaker = breaker;
        this.gate = gate;
        this.ownership = ownership;
        this.publisher = new TransactionPublisher(producer, "transaction-publisher");
    }

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
    public record Ownership(OwnershipGate gate, Duration callsEnd, boolean commitBarrier) {
    }

    @Override
    public void run() {
        Thread ticker = ownership.gate().startTicker(Duration.ofMillis(100));
        try {
            producer.initTransactions();
            publisher.start();
            consumer.subscribe(kafka.commandTopics(), new Rebalance());
            while (running) {
                ConsumerRecords<byte[], byte[]> records = poll(inFlight.get() > 0 || !completions.isEmpty() ? BUSY_POLL : IDLE_POLL);
                dispatch(records);
                publish(false);
                applyResults();
                applyBackpressure();
                reportLag();
            }
            drainOnShutdown();
        } catch (FatalPublishException e) {
            failure = e.getCause();
            LOGGER.error("stopping: this instance can no longer publish ({}); another instance owns its partitions",
                    e.getCause().getClass().getSimpleName());
        } catch (RuntimeException | Error e) {
            failure = e;
            LOGGER.error("command loop failed: {}", e.toString(), e);
        } finally {
            ticker.interrupt();
            // Before anything closes: work still running must make no further call and build no output.
            leases.values().forEach(PartitionLease::gone);
            partitions.values().forEach(PartitionState::deactivate);
            publisher.close();
            closeQuietly();
            stopped.countDown();
        }
    }

    /** Asks the loop to drain in-flight work (up to the shutdown timeout), publish it, and stop. */
    public void stop() {
        running = false;
        consumer.wakeup();
    }

    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** True while this instance holds at least one partition. */
    public boolean isAssigned() {
        return assigned;
    }

    /** Commands read and not yet finished (queued or executing). */
    public int inFlight() {
        return inFlight.get();
    }

    /** Why the loop stopped on its own, if it did. */
    public Throwable failure() {
        return failure;
    }

    /** Polls, and confirms the group membership lease when the poll returned while the consumer was a member. */
    private ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        if (ownership.gate().takeRebalanceRequest()) {
            // The process stalled for a lease or longer: the group may have moved on without us hearing of it yet.
            // Rejoining makes the group say what we still own (revoked or lost callbacks first); calls wait meanwhile.
            LOGGER.warn("this process stalled for {} ms or more: rejoining the group before any further Logto call",
                    ownership.gate().leaseBound().toMillis());
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
            ownership.gate().confirmed(started);
        } else {
            ownership.gate().unconfirmed();
        }
        return records;
    }

    private void dispatch(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            resumeAfterDecodeBackoff();
            return;
        }
        Instant receivedAt = clock.instant();
        List<Runnable> work = new ArrayList<>();
        for (TopicPartition tp : records.partitions()) {
            PartitionState state = partitions.get(tp);
            PartitionLease lease = leases.get(tp);
            if (state == null || lease == null) {
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                if (state.takePublishedBefore(record.offset())) {
                    // A previous owner published this record's outputs; only the offset needs to move past it.
                    state.track(record.offset());
                    completions.add(new Completion(state, record.offset(), List.of()));
                    continue;
                }
                DecodeResult decoded = decoder.decode(record);
                if (decoded instanceof DecodeResult.Retry retry) {
                    // Read this record again once the registry may be back; nothing after it is dispatched meanwhile,
                    // so the partition keeps its order.
                    LOGGER.warn("schema registry unavailable, pausing {} for {} ms: {}", tp, REGISTRY_BACKOFF.toMillis(), retry.reason());
                    consumer.seek(tp, record.offset());
                    consumer.pause(List.of(tp));
                    decodeBackoff.put(tp, clock.instant().plus(REGISTRY_BACKOFF));
                    break;
                }
                state.track(record.offset());
                if (decoded instanceof DecodeResult.Command command) {
                    inFlight.incrementAndGet();
                    CommandGate.Refusal refusal = gateCheck(record, command.command());
                    work.add(() -> schedule(state, lease, record, command.command(), receivedAt, refusal));
                } else if (decoded instanceof DecodeResult.Poison poison) {
                    completions.add(deadLetter(state, record, poison, receivedAt));
                }
            }
        }
        if (!work.isEmpty()) {
            schedulerContext.runOnContext(v -> work.forEach(Runnable::run));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private CommandGate.Refusal gateCheck(ConsumerRecord<byte[], byte[]> record, SpecificRecord command) {
        CommandHandler handler = handlers.find(command.getClass()).orElseThrow();
        return gate.check(handler.meta(command), command.getSchema().getName(), handler.roleEffects(command),
                handler.organizationAccess(command), record.topic(), record.value(),
                record.headers());
    }

    /**
     * Runs on the scheduler's context. A refused command still goes through its key's queue, so its outcome keeps
     * its place among the user's outcomes. The command holds an execution slot until it is done and, with the
     * commit barrier, holds its key until its outcome is committed (or dropped).
     */
    private void schedule(PartitionState state, PartitionLease lease, ConsumerRecord<byte[], byte[]> record,
                          SpecificRecord command, Instant receivedAt, CommandGate.Refusal refusal) {
        String key = orderingKey(record, command);
        scheduler.submitStaged(key, () -> {
            Promise<Void> settled = Promise.promise();
            Runnable settle = () -> schedulerContext.runOnContext(x -> settled.tryComplete());
            if (!state.active() || !lease.owned()) {
                // The partition moved to another instance (or was rewound); its new owner runs this command.
                inFlight.decrementAndGet();
                return new KeyedScheduler.Running(Future.succeededFuture(), Future.succeededFuture());
            }
            // The HTTP work runs on one of several event loops (chosen by key, so a user's commands share one);
            // the scheduler's bookkeeping stays on its own context, which is told when the command is done.
            Promise<Void> done = Promise.promise();
            Context worker = executionContexts.get(Math.floorMod(key.hashCode(), executionContexts.size()));
            lease.workStarted();
            Runnable onCommitted = ownership.commitBarrier() ? settle : null;
            worker.runOnContext(v -> executeGuarded(state, lease, record, command, receivedAt, refusal, onCommitted)
                    .onComplete(ar -> {
                        inFlight.decrementAndGet();
                        lease.workEnded();
                        if (ar.failed() || !ar.result() || onCommitted == null) {
                            // No completion will settle the key (abandoned work, or no barrier): free it now.
                            settle.run();
                        }
                        if (ar.failed() && !(ar.cause() instanceof CallFencedException)) {
                            // Only a bug gets here (the executor always completes); the record stays unfinished, so
                            // its offset is never committed past, and the next start runs it again.
                            LOGGER.error("command at {}-{}@{} could not be completed: {}", record.topic(), record.partition(),
                                    record.offset(), ar.cause().toString());
                        }
                        schedulerContext.runOnContext(x -> done.complete());
                    }));
            return new KeyedScheduler.Running(done.future(), settled.future());
        });
    }

    /**
     * {@link #execute}, with an exception it throws turned into a failed future so its key is not left waiting.
     * Completes with true when a completion was queued (which settles the key once committed), false when not.
     */
    private Future<Boolean> executeGuarded(PartitionState state, PartitionLease lease, ConsumerRecord<byte[], byte[]> record,
                                           SpecificRecord command, Instant receivedAt, CommandGate.Refusal refusal,
                                           Runnable onCommitted) {
        try {
            return execute(state, lease, record, command, receivedAt, refusal, onCommitted);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Future<Boolean> execute(PartitionState state, PartitionLease lease, ConsumerRecord<byte[], byte[]> record,
                                    SpecificRecord command, Instant receivedAt, CommandGate.Refusal refusal,
                                    Runnable onCommitted) {
        CommandHandler handler = handlers.find(command.getClass()).orElseThrow();
        CommandMeta meta = handler.meta(command);
        OutcomeFactory.Subject subject = new OutcomeFactory.Subject(meta, command.getSchema().getName(), handler.action(),
                (dev.logtocp.commands.UserRef) handler.target(command).orElse(null), handler.changedFields(command),
                position(record), receivedAt, traceparent(record));
        if (refusal != null) {
            // Not recorded in the ledger: a corrected resubmission (signed, or after a policy change) must run.
            LOGGER.atWarn().addKeyValue("commandId", meta.getCommandId()).addKeyValue("issuer", meta.getIssuer())
                    .addKeyValue("commandType", subject.commandType()).addKeyValue("errorCode", refusal.code())
                    .log("command refused by the issuer policy");
            publishOutcome(state, record, meta, subject, rejected(refusal.code(), refusal.message()), null, null, onCommitted);
            return Future.succeededFuture(true);
        }
        byte[] payloadHash = PayloadHasher.hash(command);
        int partition = record.partition();
        // Checked here, on the scheduler's context, not when the record was read: an earlier command with the same
        // key may have been decided in between.
        LedgerEntry prior = meta.getForce() ? null
                : ledger.lookup(partition, meta.getIssuer(), meta.getIdempotencyKey()).orElse(null);
        if (prior != null) {
            ExecutionResult verdict = sameHash(prior.getPayloadHash(), payloadHash)
                    ? duplicateOf(prior)
                    : rejected("idempotency_key_reuse", "this idempotency key was already used by this issuer for a different command");
            publishOutcome(state, record, meta, subject, verdict, null, null, onCommitted);
            return Future.succeededFuture(true);
        }
        Future<ExecutionResult> execution = executor.execute(handler, command, traceparent(record), lease);
        return execution.map(result -> {
            if (!lease.mayPublish()) {
                // The partition is gone: the next owner decides this command; nothing of it is built here.
                return false;
            }
            LedgerEntry decided = recordable(result) ? ledgerEntry(meta, subject.commandType(), payloadHash, result) : null;
            if (decided != null) {
                ledger.recordPending(partition, decided, state::active);
            }
            ReferenceChange reference = referenceChange(handler, command, meta, result);
            if (reference != null) {
                references.recordPending(partition, reference.externalId(), reference.userId(), state::active);
            }
            publishOutcome(state, record, meta, subject, result, decided, reference, onCommitted);
            return true;
        });
    }

    /** A change to the externalId map that a successful command makes: a new mapping, or a removal (null user id). */
    record ReferenceChange(String externalId, String userId, String issuer) {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ReferenceChange referenceChange(CommandHandler handler, SpecificRecord command, CommandMeta meta, ExecutionResult result) {
        if (result.status() != OutcomeStatus.SUCCEEDED) {
            return null;
        }
        java.util.Optional<String> established = handler.establishesExternalId(command);
        if (established.isPresent() && result.userId() != null) {
            return new ReferenceChange(established.get(), result.userId(), meta.getIssuer());
        }
        java.util.Optional<String> released = handler.releasesExternalId(command);
        return released.map(id -> new ReferenceChange(id, null, meta.getIssuer())).orElse(null);
    }

    private void publishOutcome(PartitionState state, ConsumerRecord<byte[], byte[]> record, CommandMeta meta,
                                OutcomeFactory.Subject subject, ExecutionResult result, LedgerEntry decided,
                                ReferenceChange reference, Runnable onCommitted) {
        CommandOutcome outcome = OutcomeFactory.outcome(subject, result);
        stats.commandFinished(subject.commandType(), outcome.getStatus());
        List<Completion.Output> outputs = new ArrayList<>(4);
        outputs.add(new Completion.Output(kafka.outcomeTopic(), outputKey(record, meta), outcome, passThroughHeaders(record)));
        outputs.add(new Completion.Output(kafka.auditTopic(), record.partition(), outputKey(record, meta),
                OutcomeFactory.audit(subject, outcome), passThroughHeaders(record)));
        boolean routine = outcome.getStatus() == OutcomeStatus.SUCCEEDED || outcome.getStatus() == OutcomeStatus.DUPLICATE;
        (routine ? LOGGER.atDebug() : LOGGER.atInfo()).addKeyValue("commandId", meta.getCommandId()).addKeyValue("idempotencyKey", meta.getIdempotencyKey())
                .addKeyValue("issuer", meta.getIssuer()).addKeyValue("topic", record.topic())
                .addKeyValue("partition", record.partition()).addKeyValue("offset", record.offset())
                .addKeyValue("commandType", subject.commandType()).addKeyValue("status", outcome.getStatus())
                .addKeyValue("errorCode", outcome.getErrorCode()).addKeyValue("attempts", outcome.getAttempts())
                .log("command finished");
        if ("retries_exhausted".equals(result.errorCode())) {
            // The command is not lost: its issuer has the FAILED outcome, operators have the original bytes to
            // redrive once Logto is healthy.
            outputs.add(deadLetterOutput(record, "RetriesExhausted", String.valueOf(result.errorMessage())));
        }
        if (decided != null) {
            outputs.add(new Completion.Output(kafka.ledgerTopic(), record.partition(),
                    IdempotencyLedger.key(meta.getIssuer(), meta.getIdempotencyKey()).getBytes(StandardCharsets.UTF_8), decided, List.of()));
        }
        if (reference != null) {
            Object value = reference.userId() == null ? null : UserReference.newBuilder().setExternalId(reference.externalId())
                    .setUserId(reference.userId()).setIssuer(reference.issuer()).setRecordedAt(result.completedAt()).build();
            outputs.add(new Completion.Output(kafka.referencesTopic(), record.partition(),
                    reference.externalId().getBytes(StandardCharsets.UTF_8), value, List.of()));
        }
        completions.add(new Completion(state, record.offset(), outputs, decided, reference, onCommitted));
    }

    /**
     * Decisions worth remembering: what Logto decided. Transient failures (retries exhausted, deadline, Logto
     * unreachable) and refusals are not recorded, so a resubmission after an outage runs again, which the
     * handlers' natural idempotency makes safe.
     */
    private static boolean recordable(ExecutionResult result) {
        if (result.status() == OutcomeStatus.SUCCEEDED) {
            return true;
        }
        return result.status() == OutcomeStatus.FAILED && result.httpStatus() != null && result.httpStatus() >= 400
                && result.httpStatus() < 500 && !"retries_exhausted".equals(result.errorCode())
                && !"deadline_exceeded".equals(result.errorCode());
    }

    private LedgerEntry ledgerEntry(CommandMeta meta, String commandType, byte[] payloadHash, ExecutionResult result) {
        return LedgerEntry.newBuilder()
                .setIssuer(meta.getIssuer())
                .setIdempotencyKey(meta.getIdempotencyKey())
                .setPayloadHash(java.nio.ByteBuffer.wrap(payloadHash))
                .setCommandType(commandType)
                .setCommandId(meta.getCommandId())
                .setStatus(result.status())
                .setUserId(result.userId())
                .setErrorCode(result.errorCode())
                .setHttpStatus(result.httpStatus())
                .setDecidedAt(result.completedAt())
                .build();
    }

    private static boolean sameHash(java.nio.ByteBuffer stored, byte[] hash) {
        java.nio.ByteBuffer whole = stored.duplicate();
        whole.rewind();
        return whole.equals(java.nio.ByteBuffer.wrap(hash));
    }

    private ExecutionResult duplicateOf(LedgerEntry prior) {
        Instant now = clock.instant();
        return new ExecutionResult(OutcomeStatus.DUPLICATE, prior.getUserId(), prior.getErrorCode(), null, prior.getHttpStatus(),
                List.of(), Map.of("originalCommandId", prior.getCommandId(), "originalStatus", prior.getStatus().name(),
                "originalDecidedAt", prior.getDecidedAt().toString()), 0, null, now);
    }

    private ExecutionResult rejected(String code, String message) {
        return new ExecutionResult(OutcomeStatus.REJECTED, null, code, message, null, List.of(), Map.of(), 0, null, clock.instant());
    }

    private Completion.Output deadLetterOutput(ConsumerRecord<byte[], byte[]> record, String errorClass, String reason) {
        stats.deadLettered(errorClass);
        List<Header> headers = new ArrayList<>();
        record.headers().forEach(headers::add);
        headers.add(header(DeadLetterHeaders.TOPIC, record.topic()));
        headers.add(header(DeadLetterHeaders.PARTITION, Integer.toString(record.partition())));
        headers.add(header(DeadLetterHeaders.OFFSET, Long.toString(record.offset())));
        headers.add(header(DeadLetterHeaders.TIMESTAMP, Long.toString(record.timestamp())));
        headers.add(header(DeadLetterHeaders.ERROR_CLASS, errorClass));
        headers.add(header(DeadLetterHeaders.REASON, reason));
        return new Completion.Output(kafka.deadLetterTopic(), record.key(), record.value(), headers);
    }

    private Completion deadLetter(PartitionState state, ConsumerRecord<byte[], byte[]> record, DecodeResult.Poison poison, Instant receivedAt) {
        LOGGER.atWarn().addKeyValue("topic", record.topic()).addKeyValue("partition", record.partition())
                .addKeyValue("offset", record.offset()).addKeyValue("errorClass", poison.errorClass())
                .log("dead-lettering an undecodable record: {}", poison.reason());
        List<Completion.Output> outputs = new ArrayList<>();
        outputs.add(deadLetterOutput(record, poison.errorClass(), poison.reason()));
        if (poison.meta() != null) {
            CommandMeta meta = poison.meta();
            String type = poison.typeName() == null ? "unknown" : poison.typeName().substring(poison.typeName().lastIndexOf('.') + 1);
            OutcomeFactory.Subject subject = new OutcomeFactory.Subject(meta, type, "command.reject", null, List.of(),
                    position(record), receivedAt, traceparent(record));
            Instant now = clock.instant();
            CommandOutcome outcome = OutcomeFactory.outcome(subject, new ExecutionResult(OutcomeStatus.REJECTED, null,
                    "unsupported_command_type", poison.reason(), null, List.of(), Map.of(), 0, null, now));
            stats.commandFinished(type, OutcomeStatus.REJECTED);
            outputs.add(new Completion.Output(kafka.outcomeTopic(), outputKey(record, meta), outcome, passThroughHeaders(record)));
            outputs.add(new Completion.Output(kafka.auditTopic(), record.partition(), outputKey(record, meta),
                    OutcomeFactory.audit(subject, outcome), passThroughHeaders(record)));
        }
        return new Completion(state, record.offset(), outputs);
    }

    /**
     * Publishes finished work with the offsets it allows, in one transaction. Waits up to the commit interval to
     * batch completions unless {@code force}.
     */
    private void publish(boolean force) {
        if (completions.isEmpty()) {
            oldestUnpublished = null;
            return;
        }
        Instant now = clock.instant();
        if (oldestUnpublished == null) {
            oldestUnpublished = now;
        }
        if (!force && Duration.between(oldestUnpublished, now).compareTo(engine.commitInterval()) < 0) {
            return;
        }
        List<Completion> batch = new ArrayList<>();
        List<Completion> later = new ArrayList<>();
        for (Completion c; (c = completions.poll()) != null; ) {
            if (!c.partition().active()) {
                c.settle();
                continue;
            }
            if (c.partition().withinRange(c.offset())) {
                batch.add(c);
            } else {
                // Too far ahead of the lowest unfinished offset to be recorded in the commit metadata: publishing
                // it now could publish it twice after a crash. It waits until the partition catches up.
                later.add(c);
            }
        }
        completions.addAll(later);
        oldestUnpublished = null;
        if (batch.isEmpty()) {
            return;
        }
        List<ProducerRecord<byte[], byte[]>> records;
        Map<Integer, String> chainBefore = new HashMap<>(auditChain);
        Map<Completion, byte[]> ledgerValues = new java.util.IdentityHashMap<>();
        try {
            records = serialize(batch, ledgerValues);
        } catch (KafkaException e) {
            auditChain.clear();
            auditChain.putAll(chainBefore);
            // Most likely the registry is unreachable for a first-time schema: keep the batch and try again.
            LOGGER.warn("cannot serialize outcomes yet ({}); retrying", e.getClass().getSimpleName());
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
        publisher.submit(new TransactionPublisher.Batch(publishEpoch, batch, records, offsets, consumer.groupMetadata(),
                touched, chainBefore, ledgerValues));
        applyResults();
    }

    /** Applies what the publisher finished: ledger and reference commits, or rewinds after a failed transaction. */
    private void applyResults() {
        for (TransactionPublisher.Result result; (result = publisher.poll()) != null; ) {
            TransactionPublisher.Batch batch = result.batch();
            switch (result) {
                case TransactionPublisher.Committed committed -> {
                    stats.transactionCommitted();
                    for (Completion c : batch.completions()) {
                        c.settle();
                        int partition = c.partition().partition().partition();
                        if (c.ledgerEntry() != null) {
                            ledger.committed(partition, c.ledgerEntry(), batch.ledgerValues().get(c));
                        }
                        if (c.reference() != null) {
                            references.committed(partition, c.reference().externalId(), c.reference().userId());
                        }
                    }
                }
                case TransactionPublisher.Failed failed -> {
                    if (batch.epoch() == publishEpoch) {
                        // The first failure of this epoch: later batches of it were not committed either, so the
                        // audit chains go back to where this batch started.
                        LOGGER.warn("transaction failed ({}), re-reading the affected partitions", String.valueOf(failed.cause()));
                        auditChain.clear();
                        auditChain.putAll(batch.auditChainBefore());
                        publishEpoch++;
                    }
                    rewind(batch.touched());
                    batch.completions().forEach(Completion::settle);
                }
                case TransactionPublisher.Fatal fatal -> throw new FatalPublishException(fatal.cause());
            }
        }
    }

    /** Publishes everything finished so far and waits until it is committed (rebalance, shutdown). */
    private void flush(Duration timeout) {
        publish(true);
        publisher.awaitIdle(timeout);
        applyResults();
    }

    /**
     * Serializes a batch in publish order. Audit events are linked here, on the one thread that publishes, in the
     * order they will be committed: each carries the hash of the previous event of its audit partition.
     */
    private List<ProducerRecord<byte[], byte[]>> serialize(List<Completion> batch, Map<Completion, byte[]> ledgerValues) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(batch.size() * 2);
        for (Completion c : batch) {
            for (Completion.Output original : c.outputs()) {
                Completion.Output o = original;
                if (o.value() instanceof AuditEvent event && o.partition() != null) {
                    AuditEvent linked = AuditChain.link(event, auditChain.getOrDefault(o.partition(), AuditChain.GENESIS));
                    byte[] value = valueSerializer.serialize(o.topic(), linked);
                    // The hash covers the Avro datum, which is the serialized record after its wire header.
                    auditChain.put(o.partition(), AuditChain.hashEncoded(value, WireFormat.HEADER_SIZE,
                            value.length - WireFormat.HEADER_SIZE));
                    out.add(new ProducerRecord<>(o.topic(), o.partition(), o.key(), value, o.headers()));
                    continue;
                }
                // A null value is a tombstone (a removed externalId mapping).
                byte[] value = o.value() == null ? null
                        : o.value() instanceof byte[] raw ? raw : valueSerializer.serialize(o.topic(), o.value());
                if (o.value() == c.ledgerEntry() && value != null) {
                    // Kept for the ledger store, which holds entries in exactly this form once they commit.
                    ledgerValues.put(c, value);
                }
                out.add(new ProducerRecord<>(o.topic(), o.partition(), o.key(), value, OutcomeRecordHeaders.of(o)));
            }
        }
        return out;
    }

    /**
     * After an aborted transaction, forget everything in flight for these partitions and read them again from
     * their committed offsets. Work already running finishes into a deactivated state and is dropped; the re-read
     * commands queue behind it per key, so per-user order holds.
     */
    private void rewind(Set<PartitionState> states) {
        Set<TopicPartition> tps = new HashSet<>();
        for (PartitionState state : states) {
            state.deactivate();
            // Only partitions still owned with this very state: a revoked one is the next owner's business.
            if (partitions.get(state.partition()) == state) {
                tps.add(state.partition());
            }
        }
        if (tps.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(tps);
        for (TopicPartition tp : tps) {
            OffsetAndMetadata position = committed.get(tp);
            partitions.put(tp, new PartitionState(tp, position));
            if (position != null) {
                consumer.seek(tp, position.offset());
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        }
    }

    /**
     * Pauses every partition while too much is buffered or while Logto is down (circuit breaker open): the
     * records stay in Kafka, nothing is dropped, and consumption resumes by itself.
     */
    private void applyBackpressure() {
        int unfinished = 0;
        for (PartitionState state : partitions.values()) {
            unfinished += state.unfinished();
        }
        stats.buffered(unfinished);
        // Half-open lets records flow again: one command probes Logto, the others wait for its verdict.
        boolean logtoDown = breaker.state() == CircuitBreaker.State.OPEN;
        if (!pausedForBackpressure && (unfinished >= engine.maxBufferedRecords() || logtoDown)) {
            if (logtoDown) {
                LOGGER.warn("Logto circuit breaker open: pausing consumption");
            }
            consumer.pause(consumer.assignment());
            pausedForBackpressure = true;
        } else if (pausedForBackpressure && !logtoDown && unfinished <= engine.maxBufferedRecords() / 2) {
            List<TopicPartition> resumable = consumer.assignment().stream().filter(tp -> !decodeBackoff.containsKey(tp)).toList();
            consumer.resume(resumable);
            pausedForBackpressure = false;
        }
    }

    private void reportLag() {
        Instant now = clock.instant();
        if (now.isBefore(nextLagReport)) {
            return;
        }
        nextLagReport = now.plusSeconds(1);
        for (TopicPartition tp : partitions.keySet()) {
            consumer.currentLag(tp).ifPresent(lag -> stats.lag(tp, lag));
        }
    }

    private void resumeAfterDecodeBackoff() {
        if (decodeBackoff.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        List<TopicPartition> due = new ArrayList<>();
        decodeBackoff.entrySet().removeIf(e -> {
            if (e.getValue().isBefore(now)) {
                due.add(e.getKey());
                return true;
            }
            return false;
        });
        if (!pausedForBackpressure) {
            consumer.resume(due.stream().filter(partitions::containsKey).toList());
        }
    }

    private void drainOnShutdown() {
        consumer.pause(consumer.assignment());
        Instant deadline = clock.instant().plus(engine.shutdownTimeout());
        while (inFlight.get() > 0 && clock.instant().isBefore(deadline)) {
            poll(BUSY_POLL);
            publish(true);
            applyResults();
        }
        flush(Duration.ofSeconds(30));
        if (inFlight.get() > 0) {
            LOGGER.warn("shutdown timeout: {} commands unfinished; they will run again after restart", inFlight.get());
        }
    }

    private void closeQuietly() {
        try {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
            LOGGER.debug("consumer close failed", e);
        }
        try {
            producer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOGGER.debug("producer close failed", e);
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        /**
         * The group takes partitions back and waits for this callback. Their leases stop every new Logto call and
         * cancel pending retries at once; calls already on the wire get up to the request timeout to end; commands
         * those answers finish are published while the generation is still ours; then the leases are gone, and no
         * work of these partitions can reach Logto or the topics from this instance any more.
         */
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            List<PartitionLease> revoking = new ArrayList<>();
            for (TopicPartition tp : revoked) {
                PartitionLease lease = leases.get(tp);
                if (lease != null) {
                    lease.revoke(Duration.ZERO);
                    revoking.add(lease);
                }
            }
            Instant callsEnd = clock.instant().plus(ownership.callsEnd());
            for (PartitionLease lease : revoking) {
                Duration left = Duration.between(clock.instant(), callsEnd);
                if (!lease.revoke(left.isNegative() ? Duration.ZERO : left)) {
                    LOGGER.warn("{} Logto calls of {} still unanswered after {} ms; giving the partition up anyway",
                            lease.onWire(), lease.partition(), ownership.callsEnd().toMillis());
                }
            }
            Instant settleBy = clock.instant().plus(REVOKE_SETTLE);
            while (running(revoking) > 0 && clock.instant().isBefore(settleBy)) {
                sleepBriefly();
                publish(true);
                applyResults();
            }
            // Everything published for these partitions must be committed while the group generation is ours.
            flush(Duration.ofSeconds(30));
            revoking.forEach(PartitionLease::gone);
            drop(revoked);
            assigned = !partitions.isEmpty();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            ownership.gate().rebalanced();
            // The ledger of a partition is complete before any of its commands can run: nothing has been
            // dispatched for these partitions yet, and dispatch happens on this thread after this returns.
            java.util.SortedSet<Integer> numbers = new java.util.TreeSet<>(assigned.stream().map(TopicPartition::partition).toList());
            ledgerRestorer.restore(numbers, Duration.ofMinutes(5));
            // The audit chain of each partition continues from its last committed event, whoever wrote it.
            auditChain.putAll(ledgerRestorer.lastAuditHashes(kafka.auditTopic(), numbers));
            Map<TopicPartition, OffsetAndMetadata> committed = assigned.isEmpty() ? Map.of()
                    : consumer.committed(new HashSet<>(assigned));
            for (TopicPartition tp : assigned) {
                partitions.put(tp, new PartitionState(tp, committed.get(tp)));
                PartitionLease previous = leases.put(tp, ownership.gate().open(tp));
                if (previous != null) {
                    previous.gone();
                }
            }
            stats.ledgerRestored();
            CommandLoop.this.assigned = !partitions.isEmpty();
            if (pausedForBackpressure) {
                consumer.pause(assigned);
            }
            LOGGER.info("assigned {}", assigned);
        }

        /** Already someone else's: nothing more may leave or be published for these partitions, so no waiting. */
        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            for (TopicPartition tp : lost) {
                PartitionLease lease = leases.get(tp);
                if (lease != null) {
                    lease.gone();
                }
            }
            drop(lost);
            assigned = !partitions.isEmpty();
        }

        private void drop(Collection<TopicPartition> tps) {
            for (TopicPartition tp : tps) {
                PartitionState state = partitions.remove(tp);
                if (state != null) {
                    state.deactivate();
                }
                leases.remove(tp);
                decodeBackoff.remove(tp);
            }
        }

        private int running(List<PartitionLease> revoking) {
            int n = 0;
            for (PartitionLease lease : revoking) {
                n += lease.runningWork();
            }
            return n;
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String orderingKey(ConsumerRecord<byte[], byte[]> record, SpecificRecord command) {
        if (record.key() != null) {
            return new String(record.key(), StandardCharsets.UTF_8);
        }
        // Unkeyed commands still serialize per partition, which is all the order Kafka gave them.
        return "\u0000partition-" + record.topic() + "-" + record.partition();
    }

    private static byte[] outputKey(ConsumerRecord<byte[], byte[]> record, CommandMeta meta) {
        return record.key() != null ? record.key() : meta.getCommandId().getBytes(StandardCharsets.UTF_8);
    }

    private static SourcePosition position(ConsumerRecord<byte[], byte[]> record) {
        return new SourcePosition(record.topic(), record.partition(), record.offset(), Instant.ofEpochMilli(Math.max(0, record.timestamp())));
    }

    private static String traceparent(ConsumerRecord<byte[], byte[]> record) {
        Header h = record.headers().lastHeader("traceparent");
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.US_ASCII);
    }

    private static List<Header> passThroughHeaders(ConsumerRecord<byte[], byte[]> record) {
        Header h = record.headers().lastHeader("traceparent");
        return h == null ? List.of() : List.of(new RecordHeader("traceparent", h.value()));
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The producer was fenced or lost its authority: nothing more may be published by this instance. */
    private static final class FatalPublishException extends RuntimeException {
        FatalPublishException(Throwable cause) {
            super(cause);
        }
    }
}
