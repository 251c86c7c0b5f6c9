package dev.logtocp.processor.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.processor.ownership.OwnershipGate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Why consumption pauses and when it resumes: backpressure, an open breaker, and the registry backoff. */
class ConsumptionPausesTest {
    private static final TopicPartition P0 = new TopicPartition("cmds", 0);
    private static final TopicPartition P1 = new TopicPartition("cmds", 1);
    private static final int MAX_BUFFERED = 10;

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));
    private final AssignedPartitions held = new AssignedPartitions(consumer);
    private final ConsumptionPauses pauses = new ConsumptionPauses(consumer, MAX_BUFFERED, clock);

    @BeforeEach
    void assign() {
        consumer.assign(List.of(P0, P1));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        OwnershipGate gate = new OwnershipGate(Duration.ofSeconds(30), System::nanoTime);
        held.assign(P0, null, gate.open(P0));
        held.assign(P1, null, gate.open(P1));
    }

    @Test
    void pausesEverythingAtMaxBufferedAndResumesOnlyAtHalf() {
        pauses.apply(MAX_BUFFERED - 1, false);
        assertThat(consumer.paused()).isEmpty();

        pauses.apply(MAX_BUFFERED, false);
        assertThat(consumer.paused()).containsExactlyInAnyOrder(P0, P1);

        pauses.apply(MAX_BUFFERED / 2 + 1, false);
        assertThat(consumer.paused()).as("still above half the buffer").containsExactlyInAnyOrder(P0, P1);

        pauses.apply(MAX_BUFFERED / 2, false);
        assertThat(consumer.paused()).isEmpty();
    }

    @Test
    void pausesWhileTheBreakerIsOpenWhateverIsBuffered() {
        pauses.apply(0, true);
        assertThat(consumer.paused()).containsExactlyInAnyOrder(P0, P1);

        pauses.apply(0, true);
        assertThat(consumer.paused()).as("still open").containsExactlyInAnyOrder(P0, P1);

        pauses.apply(0, false);
        assertThat(consumer.paused()).isEmpty();
    }

    @Test
    void aRegistryBackoffSeeksBackPausesItsPartitionAndResumesOnlyTheDueOne() {
        consumer.seek(P0, 12);
        consumer.seek(P1, 20);
        pauses.retryDecodeLater(P0, 7, Duration.ofSeconds(1));
        pauses.retryDecodeLater(P1, 15, Duration.ofSeconds(3));
        assertThat(consumer.position(P0))
                .as("the undecodable record is read again")
                .isEqualTo(7);
        assertThat(consumer.position(P1)).isEqualTo(15);
        assertThat(consumer.paused()).containsExactlyInAnyOrder(P0, P1);

        clock.advance(Duration.ofMillis(500));
        pauses.resumeDueDecodes(held);
        assertThat(consumer.paused()).as("nothing is due yet").containsExactlyInAnyOrder(P0, P1);

        clock.advance(Duration.ofMillis(1500));
        pauses.resumeDueDecodes(held);
        assertThat(consumer.paused()).as("only P0's backoff is over").containsExactly(P1);

        clock.advance(Duration.ofSeconds(2));
        pauses.resumeDueDecodes(held);
        assertThat(consumer.paused()).isEmpty();
    }

    @Test
    void backpressureAndTheRegistryBackoffDoNotLiftEachOther() {
        pauses.retryDecodeLater(P0, 0, Duration.ofSeconds(1));
        pauses.apply(MAX_BUFFERED, false);
        assertThat(consumer.paused()).containsExactlyInAnyOrder(P0, P1);

        pauses.apply(0, false);
        assertThat(consumer.paused()).as("P0 still waits for the registry").containsExactly(P0);

        pauses.apply(MAX_BUFFERED, false);
        clock.advance(Duration.ofSeconds(2));
        pauses.resumeDueDecodes(held);
        assertThat(consumer.paused()).as("backpressure still holds everything").containsExactlyInAnyOrder(P0, P1);

        pauses.apply(0, false);
        assertThat(consumer.paused())
                .as("the backoff ended meanwhile: the release resumes P0 too")
                .isEmpty();
    }

    @Test
    void aDueBackoffOfAPartitionNoLongerHeldResumesNothing() {
        pauses.retryDecodeLater(P0, 0, Duration.ofSeconds(1));
        held.drop(List.of(P0));
        clock.advance(Duration.ofSeconds(2));
        pauses.resumeDueDecodes(held);
        assertThat(consumer.paused()).containsExactly(P0);
    }

    @Test
    void partitionsAssignedDuringBackpressureStartPaused() {
        TopicPartition p2 = new TopicPartition("cmds", 2);
        pauses.assigned(List.of(p2));
        assertThat(consumer.paused()).isEmpty();

        pauses.apply(MAX_BUFFERED, false);
        consumer.assign(List.of(P0, P1, p2));
        pauses.assigned(List.of(p2));
        assertThat(consumer.paused()).contains(p2);
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
