package dev.logtocp.ops.cli;

import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.outcomes.SourcePosition;
import dev.logtocp.schema.audit.AuditChain;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Test data: audit events and correctly linked chains of them. */
final class AuditEvents {
    private AuditEvents() {}

    static AuditEvent event(int partition, int n) {
        return AuditEvent.newBuilder()
                .setEventId("e-" + partition + "-" + n)
                .setOccurredAt(Instant.ofEpochMilli(1_760_000_000_000L + n))
                .setActor("hr-system")
                .setAction("user.roles.assign")
                .setCommandType("RoleAssign")
                .setTargetUserId("u" + n)
                .setStatus(OutcomeStatus.SUCCEEDED)
                .setCommandId("c-" + n)
                .setIdempotencyKey("k-" + n)
                .setSource(new SourcePosition(
                        "logto.commands", partition, (long) n, Instant.ofEpochMilli(1_760_000_000_000L)))
                .build();
    }

    /** {@code count} events, each linked to the one before, the first to GENESIS. */
    static List<AuditEvent> chain(int partition, int count) {
        List<AuditEvent> out = new ArrayList<>();
        String previous = AuditChain.GENESIS;
        for (int i = 0; i < count; i++) {
            AuditEvent linked = AuditChain.link(event(partition, i), previous);
            out.add(linked);
            previous = AuditChain.hash(linked);
        }
        return out;
    }
}
