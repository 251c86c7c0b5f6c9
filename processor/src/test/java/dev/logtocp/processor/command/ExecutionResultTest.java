package dev.logtocp.processor.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.logtocp.outcomes.OutcomeStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine acts on {@link Decision}: what the ledger remembers and what is dead-lettered follows from how a
 * result was made, never from its error code.
 */
class ExecutionResultTest {
    private static final Instant T = Instant.parse("2026-12-03T00:00:00Z");

    static Stream<Arguments> results() {
        return Stream.of(
                Arguments.of(
                        "handler applied",
                        ExecutionResult.ofHandler(HandlerResult.succeeded("u1", Map.of()), 1, T, T),
                        Decision.APPLIED,
                        OutcomeStatus.SUCCEEDED,
                        true,
                        false),
                Arguments.of(
                        "handler refused by Logto (422)",
                        ExecutionResult.ofHandler(
                                HandlerResult.failed("u1", "user.username_already_in_use", "taken", 422), 1, T, T),
                        Decision.REFUSED_BY_LOGTO,
                        OutcomeStatus.FAILED,
                        true,
                        false),
                Arguments.of(
                        "handler failed without a status",
                        ExecutionResult.ofHandler(
                                HandlerResult.failed(null, "user_not_found", "no user with that externalId", null),
                                1,
                                T,
                                T),
                        Decision.UNDECIDED,
                        OutcomeStatus.FAILED,
                        false,
                        false),
                Arguments.of(
                        "failure with 404",
                        ExecutionResult.failed("user_not_found", "gone", 404, 1, T, T),
                        Decision.REFUSED_BY_LOGTO,
                        OutcomeStatus.FAILED,
                        true,
                        false),
                Arguments.of(
                        "failure with 500 (permanent answer, not a refusal)",
                        ExecutionResult.failed("http_500", "boom", 500, 1, T, T),
                        Decision.UNDECIDED,
                        OutcomeStatus.FAILED,
                        false,
                        false),
                Arguments.of(
                        "retries exhausted on 429",
                        ExecutionResult.exhausted("overloaded", 429, 5, T, T),
                        Decision.EXHAUSTED,
                        OutcomeStatus.FAILED,
                        false,
                        true),
                Arguments.of(
                        "deadline passed on 429",
                        ExecutionResult.undecided("deadline_exceeded", "late", 429, 2, T, T),
                        Decision.UNDECIDED,
                        OutcomeStatus.FAILED,
                        false,
                        false),
                Arguments.of(
                        "rejected",
                        ExecutionResult.rejected("validation_failed", "bad", List.of(), T),
                        Decision.REJECTED,
                        OutcomeStatus.REJECTED,
                        false,
                        false),
                Arguments.of(
                        "duplicate",
                        ExecutionResult.duplicate("u1", null, null, Map.of("originalCommandId", "c"), T),
                        Decision.DUPLICATE,
                        OutcomeStatus.DUPLICATE,
                        false,
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("results")
    void decisionDecidesStatusLedgerAndDeadLetter(
            String name,
            ExecutionResult result,
            Decision decision,
            OutcomeStatus status,
            boolean remembered,
            boolean deadLettered) {
        assertEquals(decision, result.decision());
        assertEquals(status, result.status());
        assertEquals(remembered, result.decision().remembered());
        assertEquals(deadLettered, result.decision().deadLettered());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("results")
    void onlyExhaustionIsDeadLettered(
            String name,
            ExecutionResult result,
            Decision decision,
            OutcomeStatus status,
            boolean remembered,
            boolean deadLettered) {
        assertTrue(!result.decision().deadLettered() || "retries_exhausted".equals(result.errorCode()));
        assertFalse(result.decision().remembered() && result.decision().deadLettered());
    }
}
