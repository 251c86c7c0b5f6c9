package dev.logtocp.client;

/**
 * A submission ended without an outcome: the command could not be sent (serialization, registry, broker), the
 * client was closed, too many submissions were pending, or the outcome could not be read. The command may or may
 * not have reached the processor; submitting it again with the same idempotency key is always safe.
 */
public class CommandClientException extends RuntimeException {

    private final String commandId;

    public CommandClientException(String commandId, String message, Throwable cause) {
        super(message, cause);
        this.commandId = commandId;
    }

    public CommandClientException(String commandId, String message) {
        this(commandId, message, null);
    }

    /** {@code meta.commandId} of the submission, or null when it failed before one was assigned. */
    public String commandId() {
        return commandId;
    }
}
