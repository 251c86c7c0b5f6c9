package dev.logtocp.processor.deadletter;

/**
 * Reading dead letters or redriving them failed: Kafka did not answer in time, a topic is missing, or another
 * redrive fenced this one. The message is for an operator and never carries record contents.
 */
public final class DeadLetterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DeadLetterException(String message) {
        super(message);
    }

    public DeadLetterException(String message, Throwable cause) {
        super(message, cause);
    }
}
