package dev.logtocp.processor.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionStateTest {
    private final PartitionState state = new PartitionState(new TopicPartition("t", 0));

    @Test
    void commitsOnlyPastTheLowestUnfinishedOffset() {
        state.track(10);
        state.track(11);
        state.track(12);

        state.finish(12);
        assertThat(state.takeCommittable()).isEmpty();
        state.finish(10);
        assertThat(state.takeCommittable()).hasValue(11);
        state.finish(11);
        assertThat(state.takeCommittable()).hasValue(13);
        assertThat(state.unfinished()).isZero();
    }

    @Test
    void offsetGapsFromCompactionOrTransactionMarkersDoNotBlockCommits() {
        state.track(5);
        state.track(9);
        state.finish(9);
        state.finish(5);
        assertThat(state.takeCommittable()).hasValue(10);
    }

    @Test
    void reportsEachAdvanceOnce() {
        state.track(1);
        state.finish(1);
        assertThat(state.takeCommittable()).hasValue(2);
        assertThat(state.takeCommittable()).isEmpty();
    }
}
