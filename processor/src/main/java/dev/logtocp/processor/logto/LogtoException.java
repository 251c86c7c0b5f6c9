package dev.logtocp.processor.logto;

import java.time.Duration;
import java.util.Optional;

/**
 * A call to Logto did not give the operation what it needed. Subtypes say whether trying again may help; the
 * executor retries {@link #retryable()} ones with backoff and turns the others into a FAILED outcome carrying
 * {@link #outcomeCode()}.
 */
public abstract sealed class LogtoException extends RuntimeException
        permits LogtoApiException, LogtoTransportException, LogtoAuthException, LogtoCapacityWaitExpired {

    protected LogtoException(String message) {
        super(message, null, false, false);
    }

    protected LogtoException(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    public abstract boolean retryable();

    /** The error code to publish in the outcome. */
    public abstract String outcomeCode();

    /** How long the server asked us to wait, if it did. */
    public Optional<Duration> retryAfter() {
        return Optional.empty();
    }

    /**
     * Whether this says Logto could not keep up (429, 5xx, a timeout) rather than that it is unreachable: such
     * failures first lower the concurrency limit, and count towards the circuit breaker only once the limit can
     * go no lower.
     */
    public boolean overloadSignal() {
        return false;
    }

    public Optional<Integer> httpStatus() {
        return Optional.empty();
    }
}
