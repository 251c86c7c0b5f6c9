package dev.logtocp.processor.kafka;

/** Provenance headers on every dead-letter record, next to the original key, value and headers. */
public final class DeadLetterHeaders {
    public static final String TOPIC = "dlq.source.topic";
    public static final String PARTITION = "dlq.source.partition";
    public static final String OFFSET = "dlq.source.offset";
    public static final String TIMESTAMP = "dlq.source.timestamp";
    public static final String ERROR_CLASS = "dlq.error.class";
    public static final String REASON = "dlq.error.reason";

    private DeadLetterHeaders() {
    }
}
