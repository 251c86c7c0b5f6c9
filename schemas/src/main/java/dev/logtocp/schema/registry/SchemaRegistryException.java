package dev.logtocp.schema.registry;

/**
 * A failed registry call. Carries the registry's own {@code error_code} (for example 40403, schema not
 * found) and the HTTP status when there was a response, and says whether retrying can help.
 *
 * <p>Retryable: I/O failures, timeouts and 5xx answers (the registry or the network is sick, the request is
 * fine). Permanent: 4xx answers and responses that cannot be understood.
 *
 * <p>Messages never contain credentials. Instances are immutable.
 */
public final class SchemaRegistryException extends RuntimeException {

    /** Confluent error code: subject not found. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Confluent error code: version not found. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Confluent error code: schema not found. */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** Used when there was no registry answer at all (I/O error, timeout). */
    public static final int NO_RESPONSE = -1;

    private final int errorCode;
    private final int httpStatus;
    private final boolean retryable;

    public SchemaRegistryException(String message, int httpStatus, int errorCode, boolean retryable, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.retryable = retryable;
    }

    /** Builds the exception for an HTTP answer, classifying 5xx (and 429) as retryable. */
    public static SchemaRegistryException fromResponse(String message, int httpStatus, int errorCode) {
        boolean retryable = httpStatus >= 500 || httpStatus == 429;
        return new SchemaRegistryException(message, httpStatus, errorCode, retryable, null);
    }

    /** The registry's {@code error_code}, the HTTP status when the body had none, or {@link #NO_RESPONSE}. */
    public int errorCode() {
        return errorCode;
    }

    /** The HTTP status, or {@link #NO_RESPONSE} when no answer arrived. */
    public int httpStatus() {
        return httpStatus;
    }

    /** True when the same call may succeed later (I/O errors, 5xx). */
    public boolean retryable() {
        return retryable;
    }

    /** True when the registry said the schema / subject / version does not exist. */
    public boolean isNotFound() {
        return httpStatus == 404
                || errorCode == SCHEMA_NOT_FOUND
                || errorCode == SUBJECT_NOT_FOUND
                || errorCode == VERSION_NOT_FOUND;
    }
}
