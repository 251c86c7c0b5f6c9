package dev.logtocp.ops.cli;

import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.SourcePosition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** One human-readable line per outcome or audit event; fields that are unset are left out. */
final class Lines {
    private Lines() {}

    static String outcome(String key, CommandOutcome o) {
        StringBuilder b = new StringBuilder();
        b.append(time(o.getCompletedAt()))
                .append("  ")
                .append(o.getStatus())
                .append("  ")
                .append(o.getCommandType());
        b.append("  issuer=").append(o.getIssuer()).append(" idempotencyKey=").append(o.getIdempotencyKey());
        append(b, "key", key);
        append(b, "user", o.getUserId());
        append(b, "error", o.getErrorCode());
        if (o.getErrorMessage() != null) {
            b.append(" (").append(o.getErrorMessage()).append(')');
        }
        o.getFieldErrors()
                .forEach(f -> b.append(" field ")
                        .append(f.getField())
                        .append(": ")
                        .append(f.getReason())
                        .append(';'));
        if (!o.getDetails().isEmpty()) {
            b.append(" details=").append(o.getDetails());
        }
        b.append(" attempts=").append(o.getAttempts());
        b.append(" commandId=").append(o.getCommandId());
        b.append(" source=").append(source(o.getSource()));
        return b.toString();
    }

    static String audit(String key, AuditEvent e) {
        StringBuilder b = new StringBuilder();
        b.append(time(e.getOccurredAt()))
                .append("  ")
                .append(e.getStatus())
                .append("  ")
                .append(e.getAction());
        b.append("  actor=").append(e.getActor());
        append(b, "key", key);
        append(b, "user", e.getTargetUserId());
        append(b, "ref", e.getTargetRef());
        if (!e.getChangedFields().isEmpty()) {
            b.append(" changed=").append(String.join(",", e.getChangedFields()));
        }
        append(b, "error", e.getErrorCode());
        b.append(" commandId=").append(e.getCommandId());
        b.append(" source=").append(source(e.getSource()));
        return b.toString();
    }

    private static void append(StringBuilder b, String name, Object value) {
        if (value != null) {
            b.append(' ').append(name).append('=').append(value);
        }
    }

    static String time(Instant instant) {
        return instant == null ? "-" : instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    static String source(SourcePosition p) {
        return p.getTopic() + "-" + p.getPartition() + "@" + p.getOffset();
    }
}
