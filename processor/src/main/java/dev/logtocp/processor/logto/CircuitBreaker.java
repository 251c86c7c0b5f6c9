package dev.logtocp.processor.logto;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Notices that Logto is down and stops sending it work until it may be back. After {@code failureThreshold}
 * consecutive transient failures it opens for {@code openDuration} (doubling on each re-open up to
 * {@code maxOpenDuration}); then one probe is let through (half-open): success closes it, failure opens it again.
 *
 * <p>While it is open the consumer loop pauses every partition and waiting commands keep their attempts: an outage
 * delays commands, it does not fail them. Thread-safe.
 */
public final class CircuitBreaker {

    public enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    private final int failureThreshold;
    private final Duration openDuration;
    private final Duration maxOpenDuration;
    private final Clock clock;

    private State state = State.CLOSED;
    private int consecutiveFailures;
    private Instant openUntil = Instant.EPOCH;
    private Duration currentOpen;
    private boolean probeInFlight;
    private long opens;

    public CircuitBreaker(int failureThreshold, Duration openDuration, Duration maxOpenDuration, Clock clock) {
        this.failureThreshold = failureThreshold;
        this.openDuration = openDuration;
        this.maxOpenDuration = maxOpenDuration;
        this.currentOpen = openDuration;
        this.clock = clock;
    }

    /** Whether a call may go to Logto now. In half-open state only one caller gets {@code true}. */
    public synchronized boolean tryAcquire() {
        switch (state) {
            case CLOSED:
                return true;
            case OPEN:
                if (clock.instant().isBefore(openUntil)) {
                    return false;
                }
                state = State.HALF_OPEN;
                probeInFlight = true;
                return true;
            default:
                if (probeInFlight) {
                    return false;
                }
                probeInFlight = true;
                return true;
        }
    }

    /** How long a refused caller should wait before asking again. */
    public synchronized Duration retryIn() {
        Duration left = Duration.between(clock.instant(), openUntil);
        Duration floor = Duration.ofMillis(50);
        return left.compareTo(floor) < 0 ? floor : left;
    }

    public synchronized void onSuccess() {
        consecutiveFailures = 0;
        probeInFlight = false;
        if (state != State.CLOSED) {
            state = State.CLOSED;
            currentOpen = openDuration;
        }
    }

    /** A transient failure: connection error, timeout, 429 or 5xx. */
    public synchronized void onTransientFailure() {
        consecutiveFailures++;
        if (state == State.HALF_OPEN) {
            probeInFlight = false;
            long doubled = Math.min(maxOpenDuration.toMillis(), currentOpen.toMillis() * 2);
            currentOpen = Duration.ofMillis(doubled);
            open();
        } else if (state == State.CLOSED && consecutiveFailures >= failureThreshold) {
            open();
        }
    }

    /**
     * A call this breaker let through ended without saying anything about Logto (never sent, abandoned, or a defect
     * in its handler). If it was the half-open probe, the probe slot is freed so the next caller probes; otherwise
     * nothing changes. Without this, such a probe would keep the breaker half-open, refusing everyone, for good.
     */
    public synchronized void onNoVerdict() {
        if (state == State.HALF_OPEN) {
            probeInFlight = false;
        }
    }

    /** A permanent answer (4xx) proves Logto is up, even though the command failed. */
    public void onPermanentAnswer() {
        onSuccess();
    }

    private void open() {
        state = State.OPEN;
        openUntil = clock.instant().plus(currentOpen);
        opens++;
    }

    public synchronized State state() {
        if (state == State.OPEN && !clock.instant().isBefore(openUntil)) {
            return State.HALF_OPEN;
        }
        return state;
    }

    public synchronized boolean isOpen() {
        return state() != State.CLOSED;
    }

    public synchronized long opens() {
        return opens;
    }
}
