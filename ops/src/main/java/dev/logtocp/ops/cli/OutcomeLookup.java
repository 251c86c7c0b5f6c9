package dev.logtocp.ops.cli;

import dev.logtocp.outcomes.CommandOutcome;
import java.util.Optional;

/**
 * Where {@code ops status} finds the latest outcome of an (issuer, idempotency key): the status view
 * ({@link ViewStatusLookup}) when one is reachable, else a scan of the outcome topic ({@link OutcomeTopicScan}).
 */
interface OutcomeLookup {

    /** The key the outcome was published under, with the outcome. */
    record Found(String recordKey, CommandOutcome outcome) {}

    Optional<Found> latest(String issuer, String idempotencyKey) throws Exception;
}
