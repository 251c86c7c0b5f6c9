package dev.logtocp.processor.kafka;

import dev.logtocp.processor.ownership.PartitionLease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this instance does when the group moves partitions: on revocation it stops its Logto calls for them,
 * publishes what those calls finished while the generation is still its own, and lets go; on assignment it restores
 * the partitions' state before any of their commands can run. Runs on the consumer thread, inside
 * {@code poll}, as Kafka calls rebalance listeners.
 */
final class PartitionRebalance implements ConsumerRebalanceListener {
    private static final Logger LOGGER = LoggerFactory.getLogger(PartitionRebalance.class);
    /** After the calls on the wire ended: how long commands answered by them get to finish and be published. */
    private static final Duration REVOKE_SETTLE = Duration.ofSeconds(2);

    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(30);

    private final Consumer<byte[], byte[]> consumer;
    private final AssignedPartitions partitions;
    private final OutcomeBatcher batcher;
    private final ConsumptionPauses pauses;
    private final StateRestore restore;
    private final CommandLoop.Ownership ownership;
    private final Clock clock;

    /**
     * Brings the idempotency ledger and externalId map of these partition numbers up to date, and answers the hash
     * of the last committed audit event of each. Blocking; called before any command of the partitions runs.
     */
    @FunctionalInterface
    interface StateRestore {
        Map<Integer, String> restore(SortedSet<Integer> partitions);
    }

    PartitionRebalance(
            Consumer<byte[], byte[]> consumer,
            AssignedPartitions partitions,
            OutcomeBatcher batcher,
            ConsumptionPauses pauses,
            StateRestore restore,
            CommandLoop.Ownership ownership,
            Clock clock) {
        this.consumer = consumer;
        this.partitions = partitions;
        this.batcher = batcher;
        this.pauses = pauses;
        this.restore = restore;
        this.ownership = ownership;
        this.clock = clock;
    }

    /**
     * The group takes partitions back and waits for this callback. Their leases stop every new Logto call and
     * cancel pending retries at once; calls already on the wire get up to the request timeout to end; commands
     * those answers finish are published while the generation is still ours; then the leases are gone, and no
     * work of these partitions can reach Logto or the topics from this instance any more.
     */
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        List<PartitionLease> revoking = new ArrayList<>();
        for (TopicPartition tp : revoked) {
            PartitionLease lease = partitions.lease(tp);
            if (lease != null) {
                lease.revoke(Duration.ZERO);
                revoking.add(lease);
            }
        }
        Instant callsEnd = clock.instant().plus(ownership.callsEnd());
        for (PartitionLease lease : revoking) {
            Duration left = Duration.between(clock.instant(), callsEnd);
            if (!lease.revoke(left.isNegative() ? Duration.ZERO : left)) {
                LOGGER.atWarn()
                        .addKeyValue("partition", lease.partition())
                        .addKeyValue("onWire", lease.onWire())
                        .addKeyValue("waitedMs", ownership.callsEnd().toMillis())
                        .log("Logto calls still unanswered; giving the partition up anyway");
            }
        }
        Instant settleBy = clock.instant().plus(REVOKE_SETTLE);
        while (running(revoking) > 0 && clock.instant().isBefore(settleBy)) {
            sleepBriefly();
            batcher.publish(true);
            batcher.applyResults();
        }
        // Everything published for these partitions must be committed while the group generation is ours.
        batcher.flush(FLUSH_TIMEOUT);
        revoking.forEach(PartitionLease::gone);
        drop(revoked);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
        ownership.gate().rebalanced();
        // The ledger of a partition is complete before any of its commands can run: nothing has been dispatched
        // for these partitions yet, and dispatch happens on this thread after this returns. The audit chain of each
        // partition continues from its last committed event, whoever wrote it.
        SortedSet<Integer> numbers =
                new TreeSet<>(assigned.stream().map(TopicPartition::partition).toList());
        batcher.continueAuditChains(restore.restore(numbers));
        Map<TopicPartition, OffsetAndMetadata> committed =
                assigned.isEmpty() ? Map.of() : consumer.committed(new HashSet<>(assigned));
        for (TopicPartition tp : assigned) {
            partitions.assign(tp, committed.get(tp), ownership.gate().open(tp));
        }
        pauses.assigned(assigned);
        LOGGER.atInfo().addKeyValue("partitions", assigned).log("partitions assigned");
    }

    /** Already someone else's: nothing more may leave or be published for these partitions, so no waiting. */
    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
        for (TopicPartition tp : lost) {
            PartitionLease lease = partitions.lease(tp);
            if (lease != null) {
                lease.gone();
            }
        }
        drop(lost);
    }

    private void drop(Collection<TopicPartition> tps) {
        partitions.drop(tps);
        pauses.forget(tps);
    }

    private static int running(List<PartitionLease> revoking) {
        int n = 0;
        for (PartitionLease lease : revoking) {
            n += lease.runningWork();
        }
        return n;
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
