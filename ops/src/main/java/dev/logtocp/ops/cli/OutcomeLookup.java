package dev.logtocp.ops.cli;

import dev.logtocp.outcomes.CommandOutcome;
import java.util.Optional;

/**
 * Where {@code ops status} finds the latest outcome of an (issuer, idempotency key). Today a scan of the
 * outcome topic; once the processor keeps an idempotency ledger it can answer instead.
 */
interface OutcomeLookup {

    /** The key the outcome was published under, with the outcome. */
    record Found(String recordKey, CommandOutcome outcome) {
    }

    Optional<Found> latest(String issuer, String idempotencyKey) throws Exception;
}
