package dev.logtocp.processor.logto;

import java.util.Optional;

/**
 * The M2M token could not be obtained (wrong credentials, unknown resource, token endpoint down). Retryable: a
 * credentials fix or a recovering Logto should not turn every queued command into a permanent failure.
 */
public final class LogtoAuthException extends LogtoException {
    private final int status;

    public LogtoAuthException(String reason, int status) {
        super("token request failed: " + reason);
        this.status = status;
    }

    @Override
    public boolean retryable() {
        return true;
    }

    @Override
    public String outcomeCode() {
        return "logto_auth_failed";
    }

    @Override
    public Optional<Integer> httpStatus() {
        return status > 0 ? Optional.of(status) : Optional.empty();
    }
}
