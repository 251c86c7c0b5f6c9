package dev.logtocp.view;

import java.util.ArrayList;
import java.util.List;

/**
 * History entries of one (user, processing) that have one half and wait for the other (JSON in the pending store):
 * sequence numbers whose audit event, or whose outcome, has not arrived yet, oldest first.
 */
record PendingHalves(List<Long> awaitingAudit, List<Long> awaitingOutcome) {

    PendingHalves {
        awaitingAudit = List.copyOf(awaitingAudit == null ? List.of() : awaitingAudit);
        awaitingOutcome = List.copyOf(awaitingOutcome == null ? List.of() : awaitingOutcome);
    }

    static PendingHalves none() {
        return new PendingHalves(List.of(), List.of());
    }

    boolean settled() {
        return awaitingAudit.isEmpty() && awaitingOutcome.isEmpty();
    }

    /** The entries waiting for an event of this kind. */
    List<Long> waitingFor(ViewEvent event) {
        return event.outcome() != null ? awaitingOutcome : awaitingAudit;
    }

    /** Without the oldest entry waiting for this kind of event. */
    PendingHalves served(ViewEvent event) {
        return event.outcome() != null
                ? new PendingHalves(awaitingAudit, awaitingOutcome.subList(1, awaitingOutcome.size()))
                : new PendingHalves(awaitingAudit.subList(1, awaitingAudit.size()), awaitingOutcome);
    }

    /** With a new entry {@code seq} that has this event and waits for the other kind. */
    PendingHalves started(ViewEvent event, long seq) {
        List<Long> audits = new ArrayList<>(awaitingAudit);
        List<Long> outcomes = new ArrayList<>(awaitingOutcome);
        (event.outcome() != null ? audits : outcomes).add(seq);
        return new PendingHalves(audits, outcomes);
    }
}
