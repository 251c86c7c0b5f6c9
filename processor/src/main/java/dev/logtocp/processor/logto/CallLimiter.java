package dev.logtocp.processor.logto;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * The gate every Logto HTTP call passes: at most {@link #limit()} calls are in flight, the rest wait in one FIFO
 * queue for a permit. Each attempt and each step of a composite command takes its own permit, so the limit counts
 * requests on the wire, not commands. A caller never blocks: {@link #acquire} returns a future that completes on
 * the caller's Vert.x context when a permit is free.
 *
 * <p>The limit comes from a {@link ConcurrencyLimit} (adaptive by default, never above {@code MAX_IN_FLIGHT}); every
 * released permit tells it what the call showed. A waiting call whose command deadline passes leaves the queue with
 * {@link LogtoCapacityWaitExpired}: it was never sent, so it says nothing about Logto and is no failure for the
 * circuit breaker or the limit. The request timeout starts only when the call is sent, so queueing never eats it.
 *
 * <p>Thread-safe: called from every execution event loop; the state is guarded by this object's lock, held only
 * for a few field updates.
 */
public final class CallLimiter {
    private final ConcurrencyLimit rule;
    private final LongSupplier nanoTime;
    private final Clock clock;
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private int inFlight;

    CallLimiter(ConcurrencyLimit rule, LongSupplier nanoTime, Clock clock) {
        this.rule = rule;
        this.nanoTime = nanoTime;
        this.clock = clock;
    }

    /** A limit that follows Logto's latency and overload answers, from {@code initial} between {@code min} and {@code max}. */
    public static CallLimiter adaptive(int min, int initial, int max, Clock clock) {
        return new CallLimiter(new AdaptiveLimit(min, initial, max, System.nanoTime()), System::nanoTime, clock);
    }

    /** A fixed limit. */
    public static CallLimiter fixed(int limit, Clock clock) {
        return new CallLimiter(ConcurrencyLimit.fixed(limit), System::nanoTime, clock);
    }

    /** The right to send one call; give it back exactly once with {@link #release}. */
    public final class Permit {
        /** When the permit was granted: the sample is the time it was held, the client's own turnaround included. */
        private final long grantedNanos;

        private boolean released;

        private Permit(long grantedNanos) {
            this.grantedNanos = grantedNanos;
        }

        /**
         * @param sentNanos when the request left ({@link System#nanoTime()}), or -1 when it was never sent (then it
         *                  teaches the limit nothing)
         * @param signal    what the call showed
         */
        public void release(long sentNanos, Signal signal) {
            CallLimiter.this.release(this, sentNanos, signal);
        }
    }

    /** What a finished call tells the limit. */
    public enum Signal {
        /** An answer that is not an overload signal (2xx, 3xx, 4xx other than 429). */
        ANSWERED,
        /** 429, 5xx, or a timeout: Logto could not keep up (or is down). */
        OVERLOADED,
        /** Nothing learnt: never sent, refused connection, a 401 that is retried with a fresh token. */
        IGNORED
    }

    /**
     * A permit, at once or when one frees up. Completes on the calling Vert.x context.
     *
     * @param deadline the command's deadline, or null: a call still waiting then fails with
     *                 {@link LogtoCapacityWaitExpired} and is never sent
     */
    public Future<Permit> acquire(Instant deadline) {
        Context context = Vertx.currentContext();
        Waiter waiter;
        synchronized (this) {
            if (queue.isEmpty() && inFlight < rule.limit()) {
                inFlight++;
                return Future.succeededFuture(new Permit(nanoTime.getAsLong()));
            }
            waiter = new Waiter(context, Promise.promise());
            queue.addLast(waiter);
        }
        if (deadline != null && context != null) {
            long millis =
                    Math.max(1, Duration.between(clock.instant(), deadline).toMillis());
            waiter.timer = context.owner().setTimer(millis, id -> expire(waiter));
        }
        return waiter.promise.future();
    }

    public synchronized int limit() {
        return rule.limit();
    }

    public synchronized int inFlight() {
        return inFlight;
    }

    public synchronized int waiting() {
        return queue.size();
    }

    /**
     * Whether an overload answer can still be met by lowering the limit. While it can, such answers are the
     * limit's business, not evidence of an outage for the circuit breaker.
     */
    public synchronized boolean canShrink() {
        return rule.canShrink();
    }

    private void release(Permit permit, long sentNanos, Signal signal) {
        long now = nanoTime.getAsLong();
        ArrayDeque<Waiter> granted = new ArrayDeque<>();
        synchronized (this) {
            if (permit.released) {
                throw new IllegalStateException("permit released twice");
            }
            permit.released = true;
            inFlight--;
            if (signal != Signal.IGNORED && sentNanos >= 0) {
                rule.onSample(now, Math.max(0, now - permit.grantedNanos), signal == Signal.OVERLOADED, inFlight);
            } else {
                rule.onIgnored(now, inFlight);
            }
            while (!queue.isEmpty() && inFlight < rule.limit()) {
                Waiter next = queue.pollFirst();
                next.granted = true;
                inFlight++;
                granted.add(next);
            }
        }
        for (Waiter w : granted) {
            w.grant(new Permit(now));
        }
    }

    private void expire(Waiter waiter) {
        synchronized (this) {
            if (waiter.granted || !queue.remove(waiter)) {
                return;
            }
        }
        waiter.promise.fail(new LogtoCapacityWaitExpired());
    }

    private static final class Waiter {
        final Context context;
        final Promise<Permit> promise;
        boolean granted;
        volatile long timer = -1;

        Waiter(Context context, Promise<Permit> promise) {
            this.context = context;
            this.promise = promise;
        }

        void grant(Permit permit) {
            if (context == null) {
                promise.complete(permit);
                return;
            }
            if (timer >= 0) {
                context.owner().cancelTimer(timer);
            }
            context.runOnContext(v -> promise.complete(permit));
        }
    }
}
