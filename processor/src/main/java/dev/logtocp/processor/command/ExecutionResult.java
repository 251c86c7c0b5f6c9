package dev.logtocp.processor.command;

import dev.logtocp.outcomes.FieldError;
import dev.logtocp.outcomes.OutcomeStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** How one command ended, with the figures the outcome and audit event report. */
public record ExecutionResult(
        OutcomeStatus status,
        String userId,
        String errorCode,
        String errorMessage,
        Integer httpStatus,
        List<FieldError> fieldErrors,
        Map<String, String> details,
        int attempts,
        Instant startedAt,
        Instant completedAt) {

    public ExecutionResult {
        fieldErrors = List.copyOf(fieldErrors);
        details = Map.copyOf(details);
    }
}
