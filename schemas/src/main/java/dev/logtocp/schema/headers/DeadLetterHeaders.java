package dev.logtocp.schema.headers;

/**
 * Provenance headers on every dead-letter record, next to the original key, value and headers. Part of the
 * dead-letter topic's contract: the processor writes them, its console and the operator CLI read them.
 */
public final class DeadLetterHeaders {
    public static final String TOPIC = "dlq.source.topic";
    public static final String PARTITION = "dlq.source.partition";
    public static final String OFFSET = "dlq.source.offset";
    public static final String TIMESTAMP = "dlq.source.timestamp";
    public static final String ERROR_CLASS = "dlq.error.class";
    public static final String REASON = "dlq.error.reason";

    private DeadLetterHeaders() {}
}
