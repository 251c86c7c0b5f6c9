package dev.logtocp.view;

import dev.logtocp.outcomes.AuditEvent;
import java.util.List;

/**
 * One audit event as the view stores it (JSON): who did what to whom, never values. Timestamps are ISO-8601 UTC.
 * Immutable.
 */
public record AuditView(
        String eventId,
        String occurredAt,
        String actor,
        String action,
        String commandType,
        String targetUserId,
        String targetRef,
        List<String> changedFields,
        String status,
        String errorCode,
        String commandId,
        String idempotencyKey,
        String correlationId,
        String recordKey,
        SourceView source) {

    static AuditView of(String recordKey, AuditEvent e) {
        return new AuditView(
                e.getEventId(),
                Json.time(e.getOccurredAt()),
                e.getActor(),
                e.getAction(),
                e.getCommandType(),
                e.getTargetUserId(),
                e.getTargetRef(),
                List.copyOf(e.getChangedFields()),
                e.getStatus().name(),
                e.getErrorCode(),
                e.getCommandId(),
                e.getIdempotencyKey(),
                e.getCorrelationId(),
                recordKey,
                SourceView.of(e.getSource()));
    }
}
