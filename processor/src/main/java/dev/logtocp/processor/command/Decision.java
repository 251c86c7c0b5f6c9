package dev.logtocp.processor.command;

import dev.logtocp.outcomes.OutcomeStatus;

/**
 * What kind of end a command came to. The engine acts on this, never on error-code strings: it decides the outcome
 * status, whether the idempotency ledger remembers the command, and whether its bytes go to the dead-letter topic.
 */
public enum Decision {
    /** Logto applied the command, or showed it was already applied. Remembered: a resubmission is a duplicate. */
    APPLIED(OutcomeStatus.SUCCEEDED, true),
    /**
     * Logto (or a lookup in Logto) refused the command with a 4xx answer that sending it again cannot change.
     * Remembered, so a resubmission repeats the refusal instead of calling Logto again.
     */
    REFUSED_BY_LOGTO(OutcomeStatus.FAILED, true),
    /**
     * Every attempt met a transient failure. Not remembered, so a resubmission runs again; the original bytes go to
     * the dead-letter topic, where operators can redrive them once Logto is healthy.
     */
    EXHAUSTED(OutcomeStatus.FAILED, false),
    /**
     * Ended without a decision: the deadline passed, capacity never came free, a reference resolved to nobody yet, or
     * a defect. Not remembered, so a resubmission runs again.
     */
    UNDECIDED(OutcomeStatus.FAILED, false),
    /** Refused before any Logto call: invalid fields, the issuer policy, a reused idempotency key, an unknown type. */
    REJECTED(OutcomeStatus.REJECTED, false),
    /** The ledger already holds this command's decision; the earlier decision is reported again. */
    DUPLICATE(OutcomeStatus.DUPLICATE, false);

    private final OutcomeStatus status;
    private final boolean remembered;

    Decision(OutcomeStatus status, boolean remembered) {
        this.status = status;
        this.remembered = remembered;
    }

    public OutcomeStatus status() {
        return status;
    }

    /** True when the idempotency ledger records this decision. */
    public boolean remembered() {
        return remembered;
    }

    /** True when the command's original record also goes to the dead-letter topic. */
    public boolean deadLettered() {
        return this == EXHAUSTED;
    }

    /**
     * A failure decided by a Logto answer when it carries a 4xx status; without one (a reference that resolved to
     * nobody, a local error) nothing was decided.
     */
    static Decision ofFailure(Integer httpStatus) {
        return httpStatus != null && httpStatus >= 400 && httpStatus < 500 ? REFUSED_BY_LOGTO : UNDECIDED;
    }
}
