package dev.logtocp.processor.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionStateTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private final PartitionState state = new PartitionState(TP, new OffsetAndMetadata(10));

    @Test
    void commitsThePositionOfTheLowestUnfinishedOffset() {
        state.track(10);
        state.track(11);
        state.track(12);

        state.finish(10);
        assertThat(state.takeCommit())
                .hasValueSatisfying(c -> assertThat(c.offset()).isEqualTo(11));
        state.finish(11);
        state.finish(12);
        assertThat(state.takeCommit()).hasValueSatisfying(c -> {
            assertThat(c.offset()).isEqualTo(13);
            assertThat(c.metadata()).isEmpty();
        });
        assertThat(state.unfinished()).isZero();
    }

    @Test
    void finishedWorkAboveAStuckOffsetTravelsInTheMetadataAndIsSkippedByTheNextOwner() {
        state.track(10);
        state.track(11);
        state.track(12);
        state.finish(12);
        state.finish(11);
        OffsetAndMetadata commit = state.takeCommit().orElseThrow();
        assertThat(commit.offset()).isEqualTo(10);

        PartitionState next = new PartitionState(TP, commit);

        assertThat(next.takePublishedBefore(10)).isFalse();
        assertThat(next.takePublishedBefore(11)).isTrue();
        assertThat(next.takePublishedBefore(12)).isTrue();
        assertThat(next.takePublishedBefore(12)).as("once").isFalse();
    }

    @Test
    void recordsPublishedBeforeStayInTheMetadataUntilReadAgain() {
        PartitionState before = new PartitionState(TP, new OffsetAndMetadata(10));
        before.track(10);
        before.track(11);
        before.track(12);
        before.finish(12);
        PartitionState next = new PartitionState(TP, before.takeCommit().orElseThrow());
        next.track(10);
        next.track(11);
        next.finish(11);

        PartitionState third = new PartitionState(TP, next.takeCommit().orElseThrow());

        assertThat(third.takePublishedBefore(11)).isTrue();
        assertThat(third.takePublishedBefore(12))
                .as("still remembered although not re-read yet")
                .isTrue();
    }

    @Test
    void offsetGapsFromCompactionOrTransactionMarkersDoNotBlockCommits() {
        state.track(15);
        state.track(19);
        state.finish(19);
        state.finish(15);
        assertThat(state.takeCommit())
                .hasValueSatisfying(c -> assertThat(c.offset()).isEqualTo(20));
    }

    @Test
    void reportsEachChangeOnceAndBoundsTheRange() {
        state.track(10);
        state.finish(10);
        assertThat(state.takeCommit()).isPresent();
        assertThat(state.takeCommit()).isEmpty();
        assertThat(state.withinRange(11 + PartitionState.MAX_RANGE - 1)).isTrue();
        assertThat(state.withinRange(11 + PartitionState.MAX_RANGE)).isFalse();
    }

    @Test
    void foreignOrDamagedMetadataIsIgnored() {
        assertThat(PartitionState.decode(5, "something else")).isEmpty();
        assertThat(PartitionState.decode(5, "lcp1:%%%")).isEmpty();
    }
}
