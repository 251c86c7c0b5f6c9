package dev.logtocp.view;

/**
 * An outcome or an audit event on its way to the stores (the value of the view's repartition topics, JSON).
 * Exactly one of the two is set.
 */
record ViewEvent(OutcomeView outcome, AuditView audit) {

    ViewEvent {
        if ((outcome == null) == (audit == null)) {
            throw new IllegalArgumentException("exactly one of outcome and audit");
        }
    }

    String commandId() {
        return outcome != null ? outcome.commandId() : audit.commandId();
    }

    String recordKey() {
        return outcome != null ? outcome.recordKey() : audit.recordKey();
    }

    String userId() {
        return outcome != null ? outcome.userId() : audit.targetUserId();
    }

    /**
     * Pairs an outcome with the audit event of the same processing: both name the command and the record it came
     * from. A replayed record gets a second pair with the same id; pairs are matched first come, first served.
     */
    String joinId() {
        SourceView source = outcome != null ? outcome.source() : audit.source();
        return commandId() + "|" + source.id();
    }
}
