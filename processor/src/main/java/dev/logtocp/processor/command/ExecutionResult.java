package dev.logtocp.processor.command;

import dev.logtocp.outcomes.FieldError;
import dev.logtocp.outcomes.OutcomeStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * How one command ended, with the figures the outcome and audit event report. Made only through the named
 * factories, so that every result carries the {@link Decision} the engine acts on.
 *
 * @param attempts  handler executions made (0 when the command never reached Logto)
 * @param startedAt when the first attempt started, or null when none did
 */
public record ExecutionResult(
        Decision decision,
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

    /** The outcome status, which follows from the decision. */
    public OutcomeStatus status() {
        return decision.status();
    }

    /** What a handler decided: applied, or failed with Logto's code (decided only when Logto answered 4xx). */
    static ExecutionResult ofHandler(HandlerResult r, int attempts, Instant startedAt, Instant completedAt) {
        Decision decision =
                r.status() == OutcomeStatus.SUCCEEDED ? Decision.APPLIED : Decision.ofFailure(r.httpStatus());
        return new ExecutionResult(
                decision,
                r.userId(),
                r.errorCode(),
                r.errorMessage(),
                r.httpStatus(),
                List.of(),
                r.details(),
                attempts,
                startedAt,
                completedAt);
    }

    /** A failure that ended the command: decided when it carries a 4xx status, undecided otherwise. */
    static ExecutionResult failed(
            String code, String message, Integer httpStatus, int attempts, Instant startedAt, Instant completedAt) {
        return new ExecutionResult(
                Decision.ofFailure(httpStatus),
                null,
                code,
                message,
                httpStatus,
                List.of(),
                Map.of(),
                attempts,
                startedAt,
                completedAt);
    }

    /** Ended without a decision (deadline, capacity, defect), whatever status the last answer had. */
    static ExecutionResult undecided(
            String code, String message, Integer httpStatus, int attempts, Instant startedAt, Instant completedAt) {
        return new ExecutionResult(
                Decision.UNDECIDED,
                null,
                code,
                message,
                httpStatus,
                List.of(),
                Map.of(),
                attempts,
                startedAt,
                completedAt);
    }

    /** Every attempt failed transiently ({@code retries_exhausted}). */
    static ExecutionResult exhausted(
            String message, Integer httpStatus, int attempts, Instant startedAt, Instant completedAt) {
        return new ExecutionResult(
                Decision.EXHAUSTED,
                null,
                "retries_exhausted",
                message,
                httpStatus,
                List.of(),
                Map.of(),
                attempts,
                startedAt,
                completedAt);
    }

    /** Refused before any Logto call. */
    public static ExecutionResult rejected(
            String code, String message, List<FieldError> fieldErrors, Instant completedAt) {
        return new ExecutionResult(
                Decision.REJECTED, null, code, message, null, fieldErrors, Map.of(), 0, null, completedAt);
    }

    /**
     * The ledger's earlier decision, reported again.
     *
     * @param details where the original decision is found (command id, status, time)
     */
    public static ExecutionResult duplicate(
            String userId, String errorCode, Integer httpStatus, Map<String, String> details, Instant completedAt) {
        return new ExecutionResult(
                Decision.DUPLICATE, userId, errorCode, null, httpStatus, List.of(), details, 0, null, completedAt);
    }
}
