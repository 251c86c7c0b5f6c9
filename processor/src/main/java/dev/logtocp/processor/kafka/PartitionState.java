package dev.logtocp.processor.kafka;

import java.util.ArrayDeque;
import java.util.Base64;
import java.util.BitSet;
import java.util.HashSet;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Offset bookkeeping for one assigned partition during one assignment.
 *
 * <p>Commands finish out of order, but a Kafka offset can only say "everything below here is done". So each commit
 * carries, next to the offset of the lowest unfinished record, the set of higher offsets whose outputs are already
 * published, encoded in the offset's metadata ({@value #FORMAT} + base64 bitset relative to the offset). The next
 * owner of the partition, after a crash or a rebalance, reads that set back and skips those records instead of
 * publishing their outcomes a second time. The encoded range is bounded by {@link #MAX_RANGE} so the metadata stays
 * under the broker's default {@code offset.metadata.max.bytes} (4096); outputs further ahead wait.
 *
 * <p>{@link #active()} is read by event-loop threads (to skip work of a partition this instance lost); everything
 * else is confined to the consumer thread.
 */
final class PartitionState {
    static final String FORMAT = "lcp1:";
    /** 20,000 bits = 2,500 bytes, about 3,340 base64 characters. */
    static final int MAX_RANGE = 20_000;

    private final TopicPartition partition;
    private final ArrayDeque<Long> pending = new ArrayDeque<>();
    private final Set<Long> finished = new HashSet<>();
    /** Offsets above the committed position that an earlier owner already published, not yet read again. */
    private final NavigableSet<Long> publishedBefore;

    private volatile boolean active = true;
    /** Lowest offset not known to be finished; -1 until known. */
    private long low;

    private boolean dirty;

    PartitionState(TopicPartition partition) {
        this(partition, null);
    }

    /** @param committed the group's committed position for this partition, or null when it has none */
    PartitionState(TopicPartition partition, OffsetAndMetadata committed) {
        this.partition = partition;
        this.low = committed == null ? -1 : committed.offset();
        this.publishedBefore = committed == null ? new TreeSet<>() : decode(committed.offset(), committed.metadata());
    }

    TopicPartition partition() {
        return partition;
    }

    boolean active() {
        return active;
    }

    void deactivate() {
        active = false;
    }

    /** True (once) when an earlier owner already published this record's outputs. */
    boolean takePublishedBefore(long offset) {
        return publishedBefore.remove(offset);
    }

    void track(long offset) {
        if (low < 0) {
            low = offset;
        }
        pending.addLast(offset);
    }

    void finish(long offset) {
        finished.add(offset);
        while (!pending.isEmpty() && finished.remove(pending.peekFirst())) {
            low = pending.pollFirst() + 1;
        }
        dirty = true;
    }

    /** Whether publishing the outputs of {@code offset} now keeps the commit metadata within bounds. */
    boolean withinRange(long offset) {
        return low < 0 || offset - low < MAX_RANGE;
    }

    /** The commit to send for this partition, once per change: the lowest unfinished offset and what lies above it. */
    Optional<OffsetAndMetadata> takeCommit() {
        if (!dirty || low < 0) {
            return Optional.empty();
        }
        dirty = false;
        BitSet above = new BitSet();
        for (long offset : finished) {
            above.set((int) (offset - low));
        }
        for (long offset : publishedBefore) {
            above.set((int) (offset - low));
        }
        String metadata = above.isEmpty() ? "" : FORMAT + Base64.getEncoder().encodeToString(above.toByteArray());
        return Optional.of(new OffsetAndMetadata(low, metadata));
    }

    /** Records read but not finished. */
    int unfinished() {
        return pending.size();
    }

    static NavigableSet<Long> decode(long base, String metadata) {
        NavigableSet<Long> out = new TreeSet<>();
        if (metadata == null || !metadata.startsWith(FORMAT)) {
            return out;
        }
        try {
            BitSet bits = BitSet.valueOf(Base64.getDecoder().decode(metadata.substring(FORMAT.length())));
            for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
                out.add(base + i);
            }
        } catch (IllegalArgumentException e) {
            // Not ours or damaged: re-running is safe (the ledger answers DUPLICATE), losing work is not.
            out.clear();
        }
        return out;
    }
}
