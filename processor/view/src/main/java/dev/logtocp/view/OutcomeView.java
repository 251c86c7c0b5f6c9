package dev.logtocp.view;

import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.FieldError;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One outcome as the view stores and serves it (JSON): the {@code CommandOutcome} fields, plus the record key it
 * was published under; timestamps are ISO-8601 UTC strings; {@code details} leave out
 * {@code encryptedPassword} (a PasswordReset's password, encrypted for its issuer alone: it stays on the outcome
 * topic and never reaches a support page). Immutable.
 */
public record OutcomeView(
        String commandId,
        String commandType,
        String issuer,
        String idempotencyKey,
        String correlationId,
        String recordKey,
        String status,
        String userId,
        String errorCode,
        String errorMessage,
        Integer httpStatus,
        List<FieldErrorView> fieldErrors,
        Map<String, String> details,
        int attempts,
        String receivedAt,
        String startedAt,
        String completedAt,
        SourceView source) {

    /** Details the view never shows. */
    static final List<String> WITHHELD_DETAILS = List.of("encryptedPassword");

    /**
     * A validation failure of a REJECTED command.
     *
     * @param field  path of the offending field
     * @param reason what is wrong with it (never the value)
     */
    public record FieldErrorView(String field, String reason) {}

    static OutcomeView of(String recordKey, CommandOutcome o) {
        Map<String, String> details = new TreeMap<>(o.getDetails());
        WITHHELD_DETAILS.forEach(details::remove);
        List<FieldErrorView> fieldErrors = o.getFieldErrors().stream()
                .map((FieldError f) -> new FieldErrorView(f.getField(), f.getReason()))
                .toList();
        return new OutcomeView(
                o.getCommandId(),
                o.getCommandType(),
                o.getIssuer(),
                o.getIdempotencyKey(),
                o.getCorrelationId(),
                recordKey,
                o.getStatus().name(),
                o.getUserId(),
                o.getErrorCode(),
                o.getErrorMessage(),
                o.getHttpStatus(),
                fieldErrors,
                details,
                o.getAttempts(),
                Json.time(o.getReceivedAt()),
                Json.time(o.getStartedAt()),
                Json.time(o.getCompletedAt()),
                SourceView.of(o.getSource()));
    }

    /**
     * What a DUPLICATE stands for when the view never saw the original: the recorded decision its details name
     * (original command id, status and decision time), with this outcome's user and error.
     */
    OutcomeView asOriginalDecision() {
        String originalStatus = details.get("originalStatus");
        if (!"DUPLICATE".equals(status) || originalStatus == null) {
            return this;
        }
        return new OutcomeView(
                details.getOrDefault("originalCommandId", commandId),
                commandType,
                issuer,
                idempotencyKey,
                null,
                recordKey,
                originalStatus,
                userId,
                errorCode,
                errorMessage,
                httpStatus,
                List.of(),
                Map.of(),
                0,
                null,
                null,
                details.getOrDefault("originalDecidedAt", completedAt),
                null);
    }
}
