package dev.logtocp.client;

import java.time.Duration;

/**
 * No committed outcome arrived within the submission's timeout. This says nothing about the command itself: it may
 * still be queued, running (a retrying Logto call, an open circuit breaker) or already applied. Submit it again
 * with the same idempotency key to learn the decision: a decided key answers with the recorded result and Logto is
 * not called again.
 */
public final class CommandTimeoutException extends CommandClientException {

    private final String idempotencyKey;
    private final Duration timeout;

    public CommandTimeoutException(String commandId, String idempotencyKey, Duration timeout) {
        super(
                commandId,
                "no outcome for command " + commandId + " (idempotency key " + idempotencyKey + ") within "
                        + timeout.toMillis() + " ms; resubmitting the same key is safe");
        this.idempotencyKey = idempotencyKey;
        this.timeout = timeout;
    }

    public String idempotencyKey() {
        return idempotencyKey;
    }

    public Duration timeout() {
        return timeout;
    }
}
