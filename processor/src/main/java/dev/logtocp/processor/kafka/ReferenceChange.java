package dev.logtocp.processor.kafka;

/**
 * A change to the externalId map that a successful command makes: a new mapping, or a removal (null user id).
 * Immutable; made on an execution context, applied on the consumer thread once its transaction commits.
 */
record ReferenceChange(String externalId, String userId, String issuer) {}
