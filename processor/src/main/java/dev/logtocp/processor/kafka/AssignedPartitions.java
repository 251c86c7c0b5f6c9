package dev.logtocp.processor.kafka;

import dev.logtocp.processor.ownership.PartitionLease;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions this instance holds now: each one's offset bookkeeping ({@link PartitionState}) and its ownership
 * lease, the door every Logto call of its commands passes.
 *
 * <p>Consumer thread only, but for {@link #any()}, which readiness checks read from other threads.
 */
final class AssignedPartitions {
    private final Consumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, PartitionState> states = new HashMap<>();
    private final Map<TopicPartition, PartitionLease> leases = new HashMap<>();
    private volatile boolean any;

    AssignedPartitions(Consumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /** Starts holding {@code tp} from its committed position; a lease left from an earlier assignment is closed. */
    void assign(TopicPartition tp, OffsetAndMetadata committed, PartitionLease lease) {
        states.put(tp, new PartitionState(tp, committed));
        PartitionLease previous = leases.put(tp, lease);
        if (previous != null) {
            previous.gone();
        }
        any = true;
    }

    /** Null when the partition is not held. */
    PartitionState state(TopicPartition tp) {
        return states.get(tp);
    }

    /** Null when the partition is not held. */
    PartitionLease lease(TopicPartition tp) {
        return leases.get(tp);
    }

    boolean holds(TopicPartition tp) {
        return states.containsKey(tp);
    }

    Set<TopicPartition> partitions() {
        return states.keySet();
    }

    /** True while at least one partition is held. */
    boolean any() {
        return any;
    }

    /** Records read and not yet published, over all held partitions. */
    int unfinished() {
        int unfinished = 0;
        for (PartitionState state : states.values()) {
            unfinished += state.unfinished();
        }
        return unfinished;
    }

    /** Stops holding these partitions: work still running for them finishes into a deactivated state. */
    void drop(Collection<TopicPartition> tps) {
        for (TopicPartition tp : tps) {
            PartitionState state = states.remove(tp);
            if (state != null) {
                state.deactivate();
            }
            leases.remove(tp);
        }
        any = !states.isEmpty();
    }

    /**
     * After an aborted transaction, forgets everything in flight for these partitions and reads them again from
     * their committed offsets. Work already running finishes into a deactivated state and is dropped; the re-read
     * commands queue behind it per key, so per-user order holds.
     */
    void rewind(Set<PartitionState> rewound) {
        Set<TopicPartition> tps = new HashSet<>();
        for (PartitionState state : rewound) {
            state.deactivate();
            // Only partitions still held with this very state: a revoked one is the next owner's business.
            if (states.get(state.partition()) == state) {
                tps.add(state.partition());
            }
        }
        if (tps.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(tps);
        for (TopicPartition tp : tps) {
            OffsetAndMetadata position = committed.get(tp);
            states.put(tp, new PartitionState(tp, position));
            if (position != null) {
                consumer.seek(tp, position.offset());
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        }
    }

    /** On the way out, before anything closes: no held partition's work may call Logto or build output any more. */
    void releaseAll() {
        leases.values().forEach(PartitionLease::gone);
        states.values().forEach(PartitionState::deactivate);
        any = false;
    }
}
