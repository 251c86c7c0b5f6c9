package dev.logtocp.processor.audit;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.outcomes.SourcePosition;
import dev.logtocp.processor.command.ExecutionResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds the outcome and the audit event of a command from how it ended. Both carry only identifiers, codes and
 * field names: secret values never reach them because nothing here reads a secret field.
 */
public final class OutcomeFactory {

    private OutcomeFactory() {}

    /** What the outcome and the audit event describe, independent of how the command ended. */
    public record Subject(
            CommandMeta meta,
            String commandType,
            String action,
            UserRef target,
            List<String> changedFields,
            SourcePosition source,
            Instant receivedAt,
            String traceparent) {}

    public static CommandOutcome outcome(Subject subject, ExecutionResult result) {
        CommandMeta meta = subject.meta();
        return CommandOutcome.newBuilder()
                .setCommandId(meta.getCommandId())
                .setIdempotencyKey(meta.getIdempotencyKey())
                .setIssuer(meta.getIssuer())
                .setCorrelationId(meta.getCorrelationId())
                .setCommandType(subject.commandType())
                .setStatus(result.status())
                .setUserId(result.userId())
                .setErrorCode(result.errorCode())
                .setErrorMessage(result.errorMessage())
                .setHttpStatus(result.httpStatus())
                .setFieldErrors(result.fieldErrors())
                .setDetails(Map.copyOf(result.details()))
                .setAttempts(result.attempts())
                .setReceivedAt(subject.receivedAt())
                .setStartedAt(result.startedAt())
                .setCompletedAt(result.completedAt())
                .setSource(subject.source())
                .setTraceparent(subject.traceparent())
                .build();
    }

    public static AuditEvent audit(Subject subject, CommandOutcome outcome) {
        CommandMeta meta = subject.meta();
        UserRef target = subject.target();
        return AuditEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(outcome.getCompletedAt())
                .setActor(meta.getIssuer())
                .setAction(subject.action())
                .setCommandType(subject.commandType())
                .setTargetUserId(outcome.getUserId())
                .setTargetRef(target == null ? null : target.getKind() + ":" + target.getValue())
                // A refused or failed command changed nothing; the audit records what it asked to change only
                // when it was applied.
                .setChangedFields(outcome.getStatus() == OutcomeStatus.SUCCEEDED ? subject.changedFields() : List.of())
                .setStatus(outcome.getStatus())
                .setErrorCode(outcome.getErrorCode())
                .setCommandId(meta.getCommandId())
                .setIdempotencyKey(meta.getIdempotencyKey())
                .setCorrelationId(meta.getCorrelationId())
                .setSource(subject.source())
                .setTraceparent(subject.traceparent())
                .setPreviousHash(null)
                .build();
    }
}
