package dev.logtocp.ops.cli;

/** A failure the operator should read as one line (exit code 1); no stack trace. */
public final class OpsException extends RuntimeException {
    public OpsException(String message) {
        super(message);
    }

    public OpsException(String message, Throwable cause) {
        super(message, cause);
    }
}
