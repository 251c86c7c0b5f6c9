package dev.logtocp.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.outcomes.AuditEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chain rules without a broker; offsets jump by two as transaction markers make them. */
class AuditChainCheckTest {

    static AuditChainCheck feed(List<AuditEvent> events, boolean fromStart) {
        AuditChainCheck check = new AuditChainCheck(0, fromStart, 0);
        for (int i = 0; i < events.size(); i++) {
            check.accept(i * 2L, events.get(i), null, null);
        }
        return check;
    }

    @Test
    void intactChainIsOk() {
        AuditChainCheck check = feed(AuditEvents.chain(0, 10), true);

        assertThat(check.ok()).isTrue();
        assertThat(check.report()).isEqualTo("partition 0: ok 10 events");
        assertThat(feed(List.of(), true).report()).isEqualTo("partition 0: ok 0 events");
    }

    @Test
    void aMissingEventBreaksTheNextLinkAndNamesThePreviousRecordRead() {
        List<AuditEvent> events = new java.util.ArrayList<>(AuditEvents.chain(0, 10));
        events.remove(4);

        AuditChainCheck check = feed(events, true);

        assertThat(check.ok()).isFalse();
        assertThat(check.report())
                .isEqualTo("BROKEN partition 0 at offset 8: previousHash does not match the event at offset 6");
    }

    @Test
    void firstEventMustLinkToGenesisUnlessAnchored() {
        List<AuditEvent> tail = AuditEvents.chain(0, 10).subList(3, 10);

        assertThat(feed(tail, true).report())
                .isEqualTo("BROKEN partition 0 at offset 0: the first event of the partition does not link to GENESIS");
        assertThat(feed(tail, false).report())
                .isEqualTo("partition 0: ok 7 events (anchored at the first event read from offset 0)");
    }

    @Test
    void missingPreviousHashAndUndecodableRecordsBreak() {
        List<AuditEvent> events = new java.util.ArrayList<>(AuditEvents.chain(0, 3));
        events.set(2, AuditEvent.newBuilder(events.get(2)).setPreviousHash(null).build());
        assertThat(feed(events, true).report()).isEqualTo("BROKEN partition 0 at offset 4: previousHash is missing");

        AuditChainCheck check = new AuditChainCheck(3, true, 0);
        check.accept(0, AuditEvents.chain(3, 1).get(0), null, null);
        check.accept(1, null, null, "not a decodable audit event (MALFORMED_AVRO)");
        check.accept(2, AuditEvents.chain(3, 2).get(1), null, null);
        assertThat(check.report())
                .isEqualTo("BROKEN partition 3 at offset 1: not a decodable audit event (MALFORMED_AVRO)");
    }
}
