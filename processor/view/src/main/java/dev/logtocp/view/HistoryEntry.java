package dev.logtocp.view;

import java.util.List;
import java.util.Map;

/**
 * One command in a user's history (JSON): what was asked, how it ended, and what the audit trail recorded. One
 * entry per processing of a command record: a command replayed later has a second entry (its outcome then says
 * DUPLICATE). {@code outcome} or {@code audit} is null only for the moment between the two records of one
 * processing reaching the view (they are committed together).
 *
 * @param seq            position in this user's history, 1 for the first; dense and stable, the paging cursor
 * @param commandId      {@code meta.commandId}
 * @param commandType    the command's record name, e.g. {@code UserCreate}
 * @param issuer         {@code meta.issuer}
 * @param idempotencyKey {@code meta.idempotencyKey}
 * @param correlationId  {@code meta.correlationId}, or null
 * @param recordKey      the Kafka record key the command was sent with (the user reference it was ordered by)
 * @param source         where the command record was read
 * @param outcome        how it ended
 * @param audit          the audit event
 */
public record HistoryEntry(
        long seq,
        String commandId,
        String commandType,
        String issuer,
        String idempotencyKey,
        String correlationId,
        String recordKey,
        SourceView source,
        Outcome outcome,
        Audit audit) {

    /**
     * The outcome part of an entry; see the {@code CommandOutcome} schema for each field.
     */
    public record Outcome(
            String status,
            String userId,
            String errorCode,
            String errorMessage,
            Integer httpStatus,
            List<OutcomeView.FieldErrorView> fieldErrors,
            Map<String, String> details,
            int attempts,
            String receivedAt,
            String startedAt,
            String completedAt) {

        static Outcome of(OutcomeView o) {
            return new Outcome(
                    o.status(),
                    o.userId(),
                    o.errorCode(),
                    o.errorMessage(),
                    o.httpStatus(),
                    o.fieldErrors(),
                    o.details(),
                    o.attempts(),
                    o.receivedAt(),
                    o.startedAt(),
                    o.completedAt());
        }
    }

    /**
     * The audit part of an entry; see the {@code AuditEvent} schema for each field.
     */
    public record Audit(
            String eventId,
            String occurredAt,
            String action,
            String targetUserId,
            String targetRef,
            List<String> changedFields,
            String status,
            String errorCode) {

        static Audit of(AuditView a) {
            return new Audit(
                    a.eventId(),
                    a.occurredAt(),
                    a.action(),
                    a.targetUserId(),
                    a.targetRef(),
                    a.changedFields(),
                    a.status(),
                    a.errorCode());
        }
    }

    static HistoryEntry started(long seq, ViewEvent event) {
        if (event.outcome() != null) {
            OutcomeView o = event.outcome();
            return new HistoryEntry(
                    seq,
                    o.commandId(),
                    o.commandType(),
                    o.issuer(),
                    o.idempotencyKey(),
                    o.correlationId(),
                    o.recordKey(),
                    o.source(),
                    Outcome.of(o),
                    null);
        }
        AuditView a = event.audit();
        return new HistoryEntry(
                seq,
                a.commandId(),
                a.commandType(),
                a.actor(),
                a.idempotencyKey(),
                a.correlationId(),
                a.recordKey(),
                a.source(),
                null,
                Audit.of(a));
    }

    /** This entry with the other half of its processing added. */
    HistoryEntry with(ViewEvent event) {
        if (event.outcome() != null) {
            return new HistoryEntry(
                    seq,
                    commandId,
                    commandType,
                    event.outcome().issuer(),
                    idempotencyKey,
                    correlationId,
                    recordKey,
                    source,
                    Outcome.of(event.outcome()),
                    audit);
        }
        return new HistoryEntry(
                seq,
                commandId,
                commandType,
                issuer,
                idempotencyKey,
                correlationId,
                recordKey,
                source,
                outcome,
                Audit.of(event.audit()));
    }
}
