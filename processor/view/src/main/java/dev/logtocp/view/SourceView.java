package dev.logtocp.view;

import dev.logtocp.outcomes.SourcePosition;

/**
 * Where a command record was read from (JSON). {@code timestamp} is ISO-8601 UTC.
 *
 * @param topic     command topic
 * @param partition its partition
 * @param offset    its offset
 * @param timestamp the record's timestamp
 */
public record SourceView(String topic, int partition, long offset, String timestamp) {

    static SourceView of(SourcePosition p) {
        return new SourceView(p.getTopic(), p.getPartition(), p.getOffset(), Json.time(p.getTimestamp()));
    }

    /** Identifies one command record. */
    String id() {
        return topic + "/" + partition + "@" + offset;
    }
}
