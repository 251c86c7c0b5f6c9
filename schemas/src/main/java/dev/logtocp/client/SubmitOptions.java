package dev.logtocp.client;

import java.time.Duration;
import java.time.Instant;

/**
 * Per-submission choices of {@link CommandClient#submit(String, org.apache.avro.specific.SpecificRecord, SubmitOptions)}.
 * Immutable; start from {@link #defaults()} and use the {@code with...} methods.
 *
 * @param correlationId {@code meta.correlationId}: ties the command to an upstream request; copied to the outcome,
 *                      its {@code lcp-correlation-id} header and the audit event; null for none
 * @param deadline      {@code meta.deadline}: the processor neither starts nor retries the command after it (it then
 *                      ends FAILED {@code deadline_exceeded}); null for none
 * @param force         {@code meta.force}: re-execute although the idempotency key was already decided (deliberate
 *                      replays only)
 * @param timeout       how long to wait for the outcome; null for the client's default
 * @param recordKey     the Kafka record key; null to derive it with {@link RecordKeys}
 */
public record SubmitOptions(String correlationId, Instant deadline, boolean force, Duration timeout, String recordKey) {

    private static final SubmitOptions DEFAULTS = new SubmitOptions(null, null, false, null, null);

    public SubmitOptions {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        if (recordKey != null && recordKey.isEmpty()) {
            throw new IllegalArgumentException("recordKey must not be empty");
        }
    }

    public static SubmitOptions defaults() {
        return DEFAULTS;
    }

    public SubmitOptions withCorrelationId(String id) {
        return new SubmitOptions(id, deadline, force, timeout, recordKey);
    }

    public SubmitOptions withDeadline(Instant at) {
        return new SubmitOptions(correlationId, at, force, timeout, recordKey);
    }

    public SubmitOptions withForce(boolean on) {
        return new SubmitOptions(correlationId, deadline, on, timeout, recordKey);
    }

    public SubmitOptions withTimeout(Duration wait) {
        return new SubmitOptions(correlationId, deadline, force, wait, recordKey);
    }

    public SubmitOptions withRecordKey(String key) {
        return new SubmitOptions(correlationId, deadline, force, timeout, key);
    }
}
