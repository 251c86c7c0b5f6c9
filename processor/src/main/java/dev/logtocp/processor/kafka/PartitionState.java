package dev.logtocp.processor.kafka;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Offset bookkeeping for one assigned partition during one assignment. Offsets are tracked in the order they were
 * read; the committable position is just past the longest finished prefix, so a commit never skips unfinished
 * work however out of order the commands complete.
 *
 * <p>{@link #active()} is read by event-loop threads (to skip work of a partition this instance lost); everything
 * else is confined to the consumer thread.
 */
final class PartitionState {
    private final TopicPartition partition;
    private final ArrayDeque<Long> pending = new ArrayDeque<>();
    private final Set<Long> finished = new HashSet<>();
    private volatile boolean active = true;
    private long committable = -1;
    private boolean dirty;

    PartitionState(TopicPartition partition) {
        this.partition = partition;
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

    void track(long offset) {
        pending.addLast(offset);
    }

    void finish(long offset) {
        finished.add(offset);
        while (!pending.isEmpty() && finished.remove(pending.peekFirst())) {
            committable = pending.pollFirst() + 1;
            dirty = true;
        }
    }

    /** The next offset to commit, once per advance. */
    OptionalLong takeCommittable() {
        if (!dirty) {
            return OptionalLong.empty();
        }
        dirty = false;
        return OptionalLong.of(committable);
    }

    /** Records read but not finished. */
    int unfinished() {
        return pending.size();
    }
}
