package dev.logtocp.processor.logto;

/**
 * A Logto request was stopped before it left, because this instance may no longer act for the command's
 * partition. Not a Logto answer and not an error of the command: the work belongs to the partition's next owner,
 * so whoever sees this abandons the command without building any output for it.
 */
public final class CallFencedException extends RuntimeException {

    public CallFencedException(String reason) {
        // No stack trace: this is an expected control-flow signal on a hot path, not a bug.
        super(reason, null, false, false);
    }
}
