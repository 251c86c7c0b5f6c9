package dev.logtocp.view;

import java.util.Set;

/**
 * What happened to one intended change, (issuer, idempotency key), across every submission of it (JSON).
 *
 * @param issuer         {@code meta.issuer}
 * @param idempotencyKey {@code meta.idempotencyKey}
 * @param status         the decision's status: SUCCEEDED or FAILED when Logto decided, REJECTED when every
 *                       submission so far was refused before reaching Logto
 * @param decision       the outcome that decided: the latest SUCCEEDED or FAILED one (a DUPLICATE stands for the
 *                       decision it repeats; a later REJECTED, e.g. {@code idempotency_key_reuse}, does not replace
 *                       a decision), else the latest outcome
 * @param latest         the most recent outcome of any status, as published (a DUPLICATE stays DUPLICATE here)
 * @param outcomes       how many outcomes the key has had (submissions and replays)
 */
public record CommandStatus(
        String issuer, String idempotencyKey, String status, OutcomeView decision, OutcomeView latest, long outcomes) {

    private static final Set<String> DECIDED = Set.of("SUCCEEDED", "FAILED");

    /** The status after {@code outcome}, given the status before it ({@code null} for the first). */
    static CommandStatus next(CommandStatus before, OutcomeView outcome) {
        OutcomeView earlier = before == null ? null : before.decision();
        boolean earlierDecided = earlier != null && DECIDED.contains(earlier.status());
        OutcomeView decision = switch (outcome.status()) {
            case "SUCCEEDED", "FAILED" -> outcome;
            case "DUPLICATE" -> earlierDecided ? earlier : outcome.asOriginalDecision();
            default -> earlierDecided ? earlier : outcome;
        };
        return new CommandStatus(
                outcome.issuer(),
                outcome.idempotencyKey(),
                decision.status(),
                decision,
                outcome,
                (before == null ? 0 : before.outcomes()) + 1);
    }

    /** The store key of (issuer, idempotency key): unambiguous whatever characters either holds. */
    static String key(String issuer, String idempotencyKey) {
        return issuer.length() + ":" + issuer + ":" + idempotencyKey;
    }
}
