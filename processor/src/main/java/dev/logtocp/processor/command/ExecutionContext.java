package dev.logtocp.processor.command;

import dev.logtocp.processor.logto.LogtoCalls;

/**
 * What a handler may use while executing one command attempt.
 *
 * @param idempotencyKey the key sent as {@code Idempotency-Key}; scoped by issuer so two issuers never collide
 * @param attempt        1 for the first execution, 2 for the first retry, ...
 */
public record ExecutionContext(LogtoCalls logto, UserResolver users, String idempotencyKey, int attempt) {}
