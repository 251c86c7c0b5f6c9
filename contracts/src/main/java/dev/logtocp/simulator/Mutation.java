package dev.logtocp.simulator;

import java.time.Instant;

/**
 * One state change the simulator actually applied. Immutable.
 *
 * @param sequence       global order of application, starting at 1
 * @param userId         the user it touched, or null for changes not tied to a user (roles)
 * @param operation      what happened, e.g. {@code user.create}, {@code user.roles.add}
 * @param idempotencyKey the {@code Idempotency-Key} header of the request that caused it, or null
 * @param at             when it was applied
 */
public record Mutation(long sequence, String userId, String operation, String idempotencyKey, Instant at) {}
