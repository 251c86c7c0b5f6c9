package dev.logtocp.processor.logto;

import java.util.concurrent.TimeoutException;

/**
 * No HTTP answer: connection refused or reset, or the request timed out. Always retryable. When
 * {@link #ambiguous()} the request may have reached Logto and been applied; the retry then relies on the
 * operation's natural idempotency to settle what happened, never on a guess.
 */
public final class LogtoTransportException extends LogtoException {
    private final boolean ambiguous;

    public LogtoTransportException(String operation, Throwable cause, boolean ambiguous) {
        // Only the exception class goes into the message: transport messages can echo URLs with query values.
        super(operation + " got no answer (" + cause.getClass().getSimpleName() + ")", cause);
        this.ambiguous = ambiguous;
    }

    /** A timeout (Logto may be slow) rather than a refused or reset connection (Logto may be down). */
    @Override
    public boolean overloadSignal() {
        return getCause() instanceof TimeoutException;
    }

    public boolean ambiguous() {
        return ambiguous;
    }

    @Override
    public boolean retryable() {
        return true;
    }

    @Override
    public String outcomeCode() {
        return "logto_unreachable";
    }
}
