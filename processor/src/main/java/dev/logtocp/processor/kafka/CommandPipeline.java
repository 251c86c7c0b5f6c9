package dev.logtocp.processor.kafka;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.internal.LedgerEntry;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.processor.audit.OutcomeFactory;
import dev.logtocp.processor.command.CommandExecutor;
import dev.logtocp.processor.command.CommandHandler;
import dev.logtocp.processor.command.ExecutionResult;
import dev.logtocp.processor.idempotency.IdempotencyLedger;
import dev.logtocp.processor.idempotency.PayloadHasher;
import dev.logtocp.processor.idempotency.ReferenceMap;
import io.vertx.core.Future;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One command's way from its turn to its completion: the issuer policy's verdict, the idempotency ledger, the
 * executor, then the outputs to publish. Runs on the execution context of the command's key (each call on the
 * context {@link KeyedDispatch} chose), so a user's commands never run here concurrently.
 */
final class CommandPipeline {
    private static final Logger LOGGER = LoggerFactory.getLogger(CommandPipeline.class);

    private final CommandExecutor executor;
    private final Memory memory;
    private final CommandOutputs outputs;
    private final CompletionSink completions;
    private final Clock clock;

    /** What the pipeline reads and records: decisions per idempotency key, and externalId mappings. */
    record Memory(IdempotencyLedger ledger, ReferenceMap references) {}

    /** Where finished work goes: the consumer thread publishes it. Thread-safe. */
    @FunctionalInterface
    interface CompletionSink {
        void add(Completion completion);
    }

    CommandPipeline(
            CommandExecutor executor, Memory memory, CommandOutputs outputs, CompletionSink completions, Clock clock) {
        this.executor = executor;
        this.memory = memory;
        this.outputs = outputs;
        this.completions = completions;
        this.clock = clock;
    }

    /**
     * Runs the command to a completion. Completes with true when a completion was queued (which settles the key
     * once committed), false when the partition was lost meanwhile and nothing was built; fails only on a defect or
     * when the executor abandoned the command for the next owner.
     *
     * @param onCommitted told when the completion is committed or dropped (the commit barrier), or null
     */
    Future<Boolean> run(AdmittedCommand admitted, Runnable onCommitted) {
        try {
            return decide(admitted, onCommitted);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private Future<Boolean> decide(AdmittedCommand admitted, Runnable onCommitted) {
        SpecificRecord command = admitted.command();
        CommandHandler<SpecificRecord> handler = admitted.handler();
        CommandMeta meta = handler.meta(command);
        OutcomeFactory.Subject subject = new OutcomeFactory.Subject(
                meta,
                command.getSchema().getName(),
                handler.action(),
                handler.target(command).orElse(null),
                handler.changedFields(command),
                CommandOutputs.position(admitted.record()),
                admitted.receivedAt(),
                CommandOutputs.traceparent(admitted.record()));
        if (admitted.refusal() != null) {
            // Not recorded in the ledger: a corrected resubmission (signed, or after a policy change) must run.
            LOGGER.atWarn()
                    .addKeyValue("commandId", meta.getCommandId())
                    .addKeyValue("issuer", meta.getIssuer())
                    .addKeyValue("commandType", subject.commandType())
                    .addKeyValue("errorCode", admitted.refusal().code())
                    .log("command refused by the issuer policy");
            complete(
                    admitted,
                    subject,
                    ExecutionResult.rejected(
                            admitted.refusal().code(), admitted.refusal().message(), List.of(), clock.instant()),
                    null,
                    null,
                    onCommitted);
            return Future.succeededFuture(true);
        }
        byte[] payloadHash = PayloadHasher.hash(command);
        int partition = admitted.record().partition();
        // Looked up now, when the key's turn came, not when the record was read: an earlier command with the same
        // key may have been decided in between.
        LedgerEntry prior = meta.getForce()
                ? null
                : memory.ledger()
                        .lookup(partition, meta.getIssuer(), meta.getIdempotencyKey())
                        .orElse(null);
        if (prior != null) {
            ExecutionResult verdict = sameHash(prior.getPayloadHash(), payloadHash)
                    ? duplicateOf(prior)
                    : ExecutionResult.rejected(
                            "idempotency_key_reuse",
                            "this idempotency key was already used by this issuer for a different command",
                            List.of(),
                            clock.instant());
            complete(admitted, subject, verdict, null, null, onCommitted);
            return Future.succeededFuture(true);
        }
        Future<ExecutionResult> execution = executor.execute(handler, command, subject.traceparent(), admitted.lease());
        return execution.map(result -> {
            if (!admitted.lease().mayPublish()) {
                // The partition is gone: the next owner decides this command; nothing of it is built here.
                return false;
            }
            LedgerEntry decided = result.decision().remembered()
                    ? ledgerEntry(meta, subject.commandType(), payloadHash, result)
                    : null;
            if (decided != null) {
                memory.ledger().recordPending(partition, decided, admitted.state()::active);
            }
            ReferenceChange reference = referenceChange(handler, command, meta, result);
            if (reference != null) {
                memory.references()
                        .recordPending(partition, reference.externalId(), reference.userId(), admitted.state()::active);
            }
            complete(admitted, subject, result, decided, reference, onCommitted);
            return true;
        });
    }

    private void complete(
            AdmittedCommand admitted,
            OutcomeFactory.Subject subject,
            ExecutionResult result,
            LedgerEntry decided,
            ReferenceChange reference,
            Runnable onCommitted) {
        completions.add(outputs.finished(
                admitted.state(), admitted.record(), subject, result, decided, reference, onCommitted));
    }

    private static ReferenceChange referenceChange(
            CommandHandler<SpecificRecord> handler, SpecificRecord command, CommandMeta meta, ExecutionResult result) {
        if (result.status() != OutcomeStatus.SUCCEEDED) {
            return null;
        }
        Optional<String> established = handler.establishesExternalId(command);
        if (established.isPresent() && result.userId() != null) {
            return new ReferenceChange(established.get(), result.userId(), meta.getIssuer());
        }
        Optional<String> released = handler.releasesExternalId(command);
        return released.map(id -> new ReferenceChange(id, null, meta.getIssuer()))
                .orElse(null);
    }

    private static LedgerEntry ledgerEntry(
            CommandMeta meta, String commandType, byte[] payloadHash, ExecutionResult result) {
        return LedgerEntry.newBuilder()
                .setIssuer(meta.getIssuer())
                .setIdempotencyKey(meta.getIdempotencyKey())
                .setPayloadHash(ByteBuffer.wrap(payloadHash))
                .setCommandType(commandType)
                .setCommandId(meta.getCommandId())
                .setStatus(result.status())
                .setUserId(result.userId())
                .setErrorCode(result.errorCode())
                .setHttpStatus(result.httpStatus())
                .setDecidedAt(result.completedAt())
                .build();
    }

    private static boolean sameHash(ByteBuffer stored, byte[] hash) {
        ByteBuffer whole = stored.duplicate();
        whole.rewind();
        return whole.equals(ByteBuffer.wrap(hash));
    }

    private ExecutionResult duplicateOf(LedgerEntry prior) {
        return ExecutionResult.duplicate(
                prior.getUserId(),
                prior.getErrorCode(),
                prior.getHttpStatus(),
                Map.of(
                        "originalCommandId",
                        prior.getCommandId(),
                        "originalStatus",
                        prior.getStatus().name(),
                        "originalDecidedAt",
                        prior.getDecidedAt().toString()),
                clock.instant());
    }
}
