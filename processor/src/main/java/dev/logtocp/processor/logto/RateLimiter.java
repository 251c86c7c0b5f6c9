package dev.logtocp.processor.logto;

/**
 * An optional ceiling on requests per second to Logto, smoothing bursts: each call reserves the next free slot and
 * is told how long to wait for it. Callers wait on a timer, never by blocking. Thread-safe.
 */
public final class RateLimiter {
    private final long intervalNanos;
    private long nextFreeNanos;

    /** @param permitsPerSecond 0 disables the limit */
    public RateLimiter(double permitsPerSecond) {
        this.intervalNanos = permitsPerSecond <= 0 ? 0 : (long) (1_000_000_000L / permitsPerSecond);
    }

    public boolean enabled() {
        return intervalNanos > 0;
    }

    /** Reserves a slot; returns milliseconds to wait before using it (0 = go now). */
    public synchronized long reserveDelayMillis() {
        if (intervalNanos == 0) {
            return 0;
        }
        long now = System.nanoTime();
        long slot = Math.max(now, nextFreeNanos);
        nextFreeNanos = slot + intervalNanos;
        return (slot - now) / 1_000_000L;
    }
}
