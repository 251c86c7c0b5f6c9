package dev.logtocp.processor.logto;

/**
 * A call waited for a permit of the {@link CallLimiter} until its command's deadline passed, and was never sent.
 * It proves nothing about Logto, so the circuit breaker and the limit ignore it; the command ends FAILED
 * {@code deadline_exceeded}, as it would had the deadline passed between retries.
 */
public final class LogtoCapacityWaitExpired extends LogtoException {

    public LogtoCapacityWaitExpired() {
        super("the command's deadline passed while its Logto call waited for a free slot (never sent)");
    }

    @Override
    public boolean retryable() {
        return false;
    }

    @Override
    public String outcomeCode() {
        return "deadline_exceeded";
    }
}
