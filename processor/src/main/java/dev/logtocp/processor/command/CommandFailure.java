package dev.logtocp.processor.command;

/**
 * A permanent, decided failure that is not a Logto answer as such, e.g. {@code user_not_found} for a reference
 * that resolves to nobody. Ends the command FAILED at once, without retry.
 */
public final class CommandFailure extends RuntimeException {
    private final String code;
    private final Integer httpStatus;

    public CommandFailure(String code, String message, Integer httpStatus) {
        super(message, null, false, false);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public String code() {
        return code;
    }

    public Integer httpStatus() {
        return httpStatus;
    }
}
