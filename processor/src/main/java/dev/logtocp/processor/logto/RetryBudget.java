package dev.logtocp.processor.logto;

import java.util.function.LongSupplier;

/**
 * Retries may add at most a set fraction of the successful work, so that a struggling Logto is not buried under
 * retries of what it already failed (a retry storm). A token bucket: every command attempt Logto answered
 * deposits {@code ratio} tokens, time deposits {@code minPerSecond} (so a quiet instance can still retry), each
 * retry takes one, and the bucket holds at most {@link #capacity}. A retry refused by the budget is not a failure:
 * the command waits another backoff period without spending an attempt and asks again.
 *
 * <p>Thread-safe: used by every execution event loop.
 */
public final class RetryBudget {
    private final double ratio;
    private final double minPerSecond;
    private final double capacity;
    private final LongSupplier nanoTime;
    private double tokens;
    private long lastRefill;

    RetryBudget(double ratio, double minPerSecond, double capacity, LongSupplier nanoTime) {
        if (ratio < 0 || minPerSecond < 0 || capacity < 1) {
            throw new IllegalArgumentException("ratio and minPerSecond must be >= 0, capacity >= 1");
        }
        this.ratio = ratio;
        this.minPerSecond = minPerSecond;
        this.capacity = capacity;
        this.nanoTime = nanoTime;
        this.tokens = capacity;
        this.lastRefill = nanoTime.getAsLong();
    }

    /**
     * @param ratio        retries allowed per answered attempt ({@code RETRY_BUDGET_RATIO}, e.g. 0.2)
     * @param minPerSecond retries allowed per second whatever the traffic ({@code RETRY_BUDGET_MIN_PER_SECOND})
     */
    public static RetryBudget of(double ratio, double minPerSecond) {
        return new RetryBudget(ratio, minPerSecond, Math.max(100, 10 * minPerSecond), System::nanoTime);
    }

    /** A command attempt got its answer from Logto (success or a permanent refusal). */
    public synchronized void onAnswered() {
        tokens = Math.min(capacity, tokens + ratio);
    }

    /** Takes one token for a retry; false when the budget is spent. */
    public synchronized boolean tryRetry() {
        refill();
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    public synchronized double tokens() {
        refill();
        return tokens;
    }

    private void refill() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(capacity, tokens + minPerSecond * (now - lastRefill) / 1e9);
        lastRefill = now;
    }
}
