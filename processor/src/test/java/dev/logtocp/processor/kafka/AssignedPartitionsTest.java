package dev.logtocp.processor.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.processor.ownership.OwnershipGate;
import dev.logtocp.processor.ownership.PartitionLease;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The partitions held, and the rewind after a failed transaction: back to the committed offsets, no further. */
class AssignedPartitionsTest {
    private static final TopicPartition P0 = new TopicPartition("cmds", 0);
    private static final TopicPartition P1 = new TopicPartition("cmds", 1);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final OwnershipGate gate = new OwnershipGate(Duration.ofSeconds(30), System::nanoTime);
    private final AssignedPartitions held = new AssignedPartitions(consumer);

    @BeforeEach
    void assign() {
        consumer.assign(List.of(P0, P1));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        consumer.seek(P0, 40);
        consumer.seek(P1, 50);
    }

    @Test
    void aRewindSeeksToTheCommittedOffsetAndStartsAFreshStateFromIt() {
        // Committed: offset 5, with 7 already published by the transaction that committed it.
        PartitionState before = new PartitionState(P0, new OffsetAndMetadata(5));
        before.track(5);
        before.track(6);
        before.track(7);
        before.finish(7);
        OffsetAndMetadata committed = before.takeCommit().orElseThrow();
        consumer.commitSync(Map.of(P0, committed));
        held.assign(P0, committed, gate.open(P0));
        held.assign(P1, null, gate.open(P1));
        PartitionState failed = held.state(P0);
        failed.track(5);

        held.rewind(Set.of(failed));

        assertThat(consumer.position(P0)).isEqualTo(5);
        assertThat(consumer.position(P1))
                .as("a partition not in the failed batch stays where it is")
                .isEqualTo(50);
        assertThat(failed.active())
                .as("work still running for the old state is dropped")
                .isFalse();
        PartitionState fresh = held.state(P0);
        assertThat(fresh).isNotSameAs(failed);
        assertThat(fresh.active()).isTrue();
        assertThat(fresh.unfinished()).isZero();
        assertThat(fresh.takePublishedBefore(7))
                .as("what the commit says is published is skipped again")
                .isTrue();
    }

    @Test
    void aRewindOfAPartitionWithoutACommittedOffsetReadsItFromTheBeginning() {
        held.assign(P1, null, gate.open(P1));

        held.rewind(Set.of(held.state(P1)));

        assertThat(consumer.position(P1)).isZero();
    }

    @Test
    void aRewindLeavesPartitionsNoLongerHeldOrHeldWithAnotherStateAlone() {
        consumer.commitSync(Map.of(P0, new OffsetAndMetadata(5), P1, new OffsetAndMetadata(6)));
        held.assign(P0, new OffsetAndMetadata(5), gate.open(P0));
        held.assign(P1, new OffsetAndMetadata(6), gate.open(P1));
        PartitionState revoked = held.state(P0);
        PartitionState replaced = held.state(P1);
        held.drop(List.of(P0));
        held.assign(P1, new OffsetAndMetadata(6), gate.open(P1)); // assigned again: a new state
        PartitionState current = held.state(P1);

        held.rewind(Set.of(revoked, replaced));

        assertThat(consumer.position(P0))
                .as("revoked: the next owner's business")
                .isEqualTo(40);
        assertThat(consumer.position(P1))
                .as("a later assignment is not rewound")
                .isEqualTo(50);
        assertThat(revoked.active()).isFalse();
        assertThat(replaced.active()).isFalse();
        assertThat(held.state(P1)).isSameAs(current);
        assertThat(current.active()).isTrue();
    }

    @Test
    void aNewAssignmentClosesTheLeaseOfTheEarlierOneAndDropAndReleaseEndEverything() {
        PartitionLease first = gate.open(P0);
        held.assign(P0, null, first);
        PartitionLease second = gate.open(P0);
        held.assign(P0, null, second);
        assertThat(first.state()).isEqualTo(PartitionLease.State.GONE);
        assertThat(second.owned()).isTrue();
        held.assign(P1, null, gate.open(P1));
        assertThat(held.any()).isTrue();

        PartitionState p0 = held.state(P0);
        held.drop(List.of(P0));
        assertThat(p0.active()).isFalse();
        assertThat(held.holds(P0)).isFalse();
        assertThat(held.lease(P0)).isNull();
        assertThat(held.any()).isTrue();

        PartitionLease p1 = held.lease(P1);
        PartitionState p1State = held.state(P1);
        held.releaseAll();
        assertThat(held.any()).isFalse();
        assertThat(p1.state()).isEqualTo(PartitionLease.State.GONE);
        assertThat(p1State.active()).isFalse();
    }
}
