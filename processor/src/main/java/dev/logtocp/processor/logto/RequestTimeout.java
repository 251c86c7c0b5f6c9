package dev.logtocp.processor.logto;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The timeout of one Logto request: {@code LOGTO_REQUEST_TIMEOUT_MS}, raised to twice the slowest answer Logto gave
 * in the last 30 to 60 s, up to {@code LOGTO_REQUEST_TIMEOUT_MAX_MS}. A timeout shorter than the latency Logto
 * shows under load gives up on requests Logto is still working on and sends their retries on top of them: the
 * retry storm that turned an overload into a collapse. Only answers count (a timeout is no measurement of how long
 * Logto takes), so an unanswered request cannot ratchet the timeout up.
 *
 * <p>Thread-safe: fed by every execution event loop.
 */
public final class RequestTimeout {
    private static final long BUCKET_NANOS = 30_000_000_000L;

    private final long floorMillis;
    private final long capMillis;
    private final LongSupplier nanoTime;
    private long bucketStart;
    private long currentMaxNanos;
    private long previousMaxNanos;

    RequestTimeout(Duration floor, Duration cap, LongSupplier nanoTime) {
        this.floorMillis = floor.toMillis();
        this.capMillis = Math.max(floorMillis, cap.toMillis());
        this.nanoTime = nanoTime;
        this.bucketStart = nanoTime.getAsLong();
    }

    /** @param floor the configured timeout, @param cap the most it may grow to (not below the floor) */
    public static RequestTimeout of(Duration floor, Duration cap) {
        return new RequestTimeout(floor, cap, System::nanoTime);
    }

    /** Logto answered (any status) after {@code latencyNanos}. */
    public synchronized void answered(long latencyNanos) {
        roll();
        currentMaxNanos = Math.max(currentMaxNanos, latencyNanos);
    }

    /** The timeout for a request sent now. */
    public synchronized long millis() {
        roll();
        long slowest = Math.max(currentMaxNanos, previousMaxNanos) / 1_000_000L;
        return Math.max(floorMillis, Math.min(capMillis, 2 * slowest));
    }

    private void roll() {
        long now = nanoTime.getAsLong();
        if (now - bucketStart >= BUCKET_NANOS) {
            previousMaxNanos = now - bucketStart >= 2 * BUCKET_NANOS ? 0 : currentMaxNanos;
            currentMaxNanos = 0;
            bucketStart = now;
        }
    }
}
