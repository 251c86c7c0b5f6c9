package dev.logtocp.processor.command;

import dev.logtocp.outcomes.OutcomeStatus;
import java.util.Map;

/**
 * What a handler decided: SUCCEEDED (applied now, or found already applied) or FAILED with Logto's code.
 *
 * @param userId  Logto id of the target user, when known
 * @param details operation facts for the outcome (never secrets), e.g. {@code addedRoleIds}
 */
public record HandlerResult(
        OutcomeStatus status,
        String userId,
        String errorCode,
        String errorMessage,
        Integer httpStatus,
        Map<String, String> details) {

    public HandlerResult {
        details = Map.copyOf(details);
    }

    public static HandlerResult succeeded(String userId, Map<String, String> details) {
        return new HandlerResult(OutcomeStatus.SUCCEEDED, userId, null, null, null, details);
    }

    public static HandlerResult failed(String userId, String code, String message, Integer httpStatus) {
        return new HandlerResult(OutcomeStatus.FAILED, userId, code, message, httpStatus, Map.of());
    }
}
