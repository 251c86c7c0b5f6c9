package dev.logtocp.schema.wire;

import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record that could not be turned into an Avro datum, with the {@link Reason} a caller needs to decide
 * between dead-lettering (permanent reasons) and retrying later ({@link Reason#REGISTRY_UNAVAILABLE}).
 *
 * <p>The message names the reason, topic and schema id but never contains payload bytes. Immutable.
 */
public final class WireFormatException extends SerializationException {

    /** Why a record could not be decoded. */
    public enum Reason {
        /** Null, shorter than 5 bytes, or magic byte not 0: not Confluent wire format at all. */
        NOT_WIRE_FORMAT(false),
        /** The schema id is unknown to the registry (404 / 40403). */
        UNKNOWN_SCHEMA_ID(false),
        /** The Avro body does not decode cleanly with the writer schema (truncated, trailing bytes, ...). */
        MALFORMED_AVRO(false),
        /** The registry could not be asked; the record may be fine. Retry, never dead-letter. */
        REGISTRY_UNAVAILABLE(true);

        private final boolean retryable;

        Reason(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Reason reason;

    public WireFormatException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public WireFormatException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }

    /** True only for {@link Reason#REGISTRY_UNAVAILABLE}: the caller must retry, not dead-letter. */
    public boolean retryable() {
        return reason.retryable();
    }
}
