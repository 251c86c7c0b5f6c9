package dev.logtocp.ops.cli;

import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.schema.audit.AuditChain;

/**
 * Follows the hash chain of one audit partition, record by record in offset order, and remembers the first break.
 * Compares each event with the previous record <em>read</em>, not with offset - 1: transaction markers and aborted
 * records occupy offsets a read_committed reader never sees.
 *
 * <p>Not thread-safe: one instance per partition, fed by one thread.
 */
final class AuditChainCheck {
    private final int partition;
    private final boolean fromPartitionStart;
    private final long firstOffset;
    private String previousHash;
    private String previousEncodedHash;
    private long previousOffset = -1;
    private long events;
    private String broken;

    /**
     * @param fromPartitionStart the first record read must link to {@link AuditChain#GENESIS}; otherwise it is
     *                           trusted as the anchor of the rest
     * @param firstOffset        where reading started, for the report
     */
    AuditChainCheck(int partition, boolean fromPartitionStart, long firstOffset) {
        this.partition = partition;
        this.fromPartitionStart = fromPartitionStart;
        this.firstOffset = firstOffset;
    }

    /**
     * Checks the next record: {@code event} decoded (null when it did not decode, then {@code problem} says why)
     * and {@code datum} its Avro bytes without the wire header.
     */
    void accept(long offset, AuditEvent event, byte[] datum, String problem) {
        if (broken != null) {
            return;
        }
        if (event == null) {
            broken = at(offset) + problem;
            return;
        }
        String linked = event.getPreviousHash();
        if (previousOffset < 0) {
            if (fromPartitionStart) {
                if (linked == null) {
                    broken = at(offset) + "previousHash is missing";
                    return;
                }
                if (!linked.equals(AuditChain.GENESIS)) {
                    broken = at(offset) + "the first event of the partition does not link to GENESIS"
                            + (offset > 0
                                    ? " (records before offset " + offset + " are gone; --from-offset " + offset
                                            + " anchors the check there)"
                                    : "");
                    return;
                }
            }
        } else if (linked == null) {
            broken = at(offset) + "previousHash is missing";
            return;
        } else if (!linked.equals(previousEncodedHash) && !linked.equals(previousHash)) {
            broken = at(offset) + "previousHash does not match the event at offset " + previousOffset;
            return;
        }
        // The published bytes are what the processor hashed; re-encoding covers events that were re-serialized.
        previousEncodedHash = datum == null ? null : AuditChain.hashEncoded(datum);
        previousHash = AuditChain.hash(event);
        previousOffset = offset;
        events++;
    }

    private String at(long offset) {
        return "BROKEN partition " + partition + " at offset " + offset + ": ";
    }

    boolean ok() {
        return broken == null;
    }

    /** One line: {@code partition p: ok N events} or the first break. */
    String report() {
        if (broken != null) {
            return broken;
        }
        return "partition " + partition + ": ok " + events + " events"
                + (fromPartitionStart ? "" : " (anchored at the first event read from offset " + firstOffset + ")");
    }
}
