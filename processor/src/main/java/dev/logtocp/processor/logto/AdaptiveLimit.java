package dev.logtocp.processor.logto;

import java.util.Arrays;

/**
 * A concurrency limit that follows Logto's latency: it grows while calls take about as long as they take on an idle
 * server and shrinks as soon as they start to queue there, so Logto's own queue (its database pool, whose waits end
 * in 500 after 5 s) stays short. Overload answers (429, 5xx, timeouts) shrink it multiplicatively.
 *
 * <p>How: calls are grouped into windows of at least {@link #MIN_WINDOW_NANOS} and two no-load round trips. At the
 * end of a window its median round trip {@code rtt} is compared with the no-load round trip {@code base}:
 * {@code gradient = clamp(TOLERANCE * base / rtt, 0.5, 2)}. A gradient of 1 or more (no queue beyond the
 * tolerance) lets the limit grow to {@code limit * gradient + sqrt(limit)}, so it roughly doubles per window from
 * a low start; below 1 the limit becomes {@code limit * gradient}. A window in which more than
 * {@link #DROP_THRESHOLD} of the calls were overload answers cuts the limit by that fraction (to a quarter at most),
 * whatever the latency. A window in which the calls never used half the limit does not grow it: an idle limit
 * says nothing about the server.
 *
 * <p>{@code base} is the median round trip measured at low concurrency. The first window gives it (the limit starts
 * low) and a lower window median lowers it. It is never raised from ordinary windows: under a standing queue every
 * call waits, so the latency seen would ratchet the baseline up and the queue with it. Instead the limit probes:
 * it drops to a quarter for a moment, waits until the calls in flight drain to that, and takes the median of the
 * calls sent after that point as the new {@code base}. It probes every {@link #PROBE_INTERVAL_NANOS} while the
 * latency holds the limit down, and at once after {@link #PROBE_STREAK} windows in a row that lowered it (the
 * server's no-load latency may have grown, e.g. a slower database), so a stale baseline costs seconds, not
 * minutes.
 *
 * <p>The design follows published gradient limiters (Envoy's adaptive concurrency filter, Netflix's
 * concurrency-limits, TCP Vegas and BBR's min-RTT probing); see README "Protecting Logto" for why it is our own.
 *
 * <p>Not thread-safe: {@link CallLimiter} calls it under its lock.
 */
final class AdaptiveLimit implements ConcurrencyLimit {
    /** Latency above {@code TOLERANCE * base} counts as queueing in Logto. */
    static final double TOLERANCE = 1.5;
    static final double MAX_GRADIENT = 2.0;
    static final double MIN_GRADIENT = 0.5;
    static final double DROP_THRESHOLD = 0.1;
    static final long MIN_WINDOW_NANOS = 100_000_000L;
    static final int MIN_WINDOW_SAMPLES = 4;
    static final int MAX_WINDOW_SAMPLES = 4096;
    static final long PROBE_INTERVAL_NANOS = 30_000_000_000L;
    static final int PROBE_STREAK = 4;
    /** A probe that cannot drain or measure in this long gives up and keeps the old baseline. */
    static final long PROBE_GIVE_UP_NANOS = 3_000_000_000L;

    private final int min;
    private final int max;

    private double limit;
    private long baseNanos = -1;

    private long windowStart = Long.MIN_VALUE;
    private final long[] samples = new long[MAX_WINDOW_SAMPLES];
    private int sampleCount;
    private int windowCalls;
    private int windowDrops;
    private int windowMaxInFlight;

    private int shrinkStreak;
    private long lastProbe;
    private boolean probing;
    private int probeLimit;
    private long probeStart;
    private long probeDrainedAt = -1;
    private final long[] probeSamples = new long[64];
    private int probeCount;

    /**
     * @param min     the floor (at least 1)
     * @param initial where it starts
     * @param max     the ceiling, {@code MAX_IN_FLIGHT}
     * @param nowNanos the current time, so that the first probe comes one interval after start
     */
    AdaptiveLimit(int min, int initial, int max, long nowNanos) {
        if (min < 1 || max < min || initial < min || initial > max) {
            throw new IllegalArgumentException("need 1 <= min <= initial <= max, got " + min + ", " + initial + ", " + max);
        }
        this.min = min;
        this.max = max;
        this.limit = initial;
        this.lastProbe = nowNanos;
    }

    @Override
    public int limit() {
        return probing ? probeLimit : (int) limit;
    }

    @Override
    public boolean canShrink() {
        return (int) limit > min;
    }

    /** The no-load round trip in use, or -1 before the first window. For tests and the README's figures. */
    long baseNanos() {
        return baseNanos;
    }

    boolean probing() {
        return probing;
    }

    @Override
    public void onSample(long nowNanos, long rttNanos, boolean dropped, int inFlight) {
        if (probing) {
            probe(nowNanos, rttNanos, dropped, inFlight);
            return;
        }
        if (windowStart == Long.MIN_VALUE) {
            windowStart = nowNanos - rttNanos;
        }
        windowCalls++;
        if (dropped) {
            windowDrops++;
        }
        if (sampleCount < MAX_WINDOW_SAMPLES) {
            samples[sampleCount++] = rttNanos;
        }
        windowMaxInFlight = Math.max(windowMaxInFlight, inFlight + 1);
        long length = Math.max(MIN_WINDOW_NANOS, baseNanos < 0 ? 0 : 2 * baseNanos);
        if (windowCalls >= MIN_WINDOW_SAMPLES && nowNanos - windowStart >= length) {
            endWindow(nowNanos);
        }
    }

    private void endWindow(long now) {
        Arrays.sort(samples, 0, sampleCount);
        long median = samples[sampleCount / 2];
        double dropFraction = (double) windowDrops / windowCalls;
        boolean appLimited = windowMaxInFlight < limit / 2;
        double next = limit;
        boolean heldDown;
        if (dropFraction > DROP_THRESHOLD) {
            next = limit * Math.max(0.25, 1 - dropFraction);
            heldDown = true;
        } else {
            if (baseNanos < 0 || median < baseNanos) {
                baseNanos = Math.max(1, median);
            }
            double gradient = Math.max(MIN_GRADIENT, Math.min(MAX_GRADIENT, TOLERANCE * baseNanos / median));
            heldDown = gradient < 1;
            if (heldDown) {
                next = limit * gradient;
            } else if (!appLimited) {
                next = limit * gradient + Math.sqrt(limit);
            }
        }
        next = Math.max(min, Math.min(max, next));
        // Counted even at the floor: a limit stuck there by latency is exactly when the baseline may be stale.
        shrinkStreak = heldDown ? shrinkStreak + 1 : 0;
        limit = next;
        windowStart = now;
        sampleCount = 0;
        windowCalls = 0;
        windowDrops = 0;
        windowMaxInFlight = 0;
        if (baseNanos > 0 && heldDown && (shrinkStreak >= PROBE_STREAK || now - lastProbe >= PROBE_INTERVAL_NANOS)) {
            startProbe(now);
        }
    }

    private void startProbe(long now) {
        probing = true;
        probeLimit = Math.max(min, (int) Math.ceil(limit / 4));
        probeStart = now;
        probeDrainedAt = -1;
        probeCount = 0;
    }

    private void probe(long now, long rtt, boolean dropped, int inFlight) {
        if (probeDrainedAt < 0 && inFlight <= probeLimit) {
            probeDrainedAt = now;
        } else if (probeDrainedAt >= 0 && now - rtt >= probeDrainedAt && !dropped && probeCount < probeSamples.length) {
            probeSamples[probeCount++] = rtt;
        }
        boolean measured = probeCount >= Math.min(probeSamples.length, Math.max(3, probeLimit));
        if (measured) {
            Arrays.sort(probeSamples, 0, probeCount);
            baseNanos = Math.max(1, probeSamples[probeCount / 2]);
        }
        if (measured || now - probeStart >= PROBE_GIVE_UP_NANOS) {
            probing = false;
            lastProbe = now;
            shrinkStreak = 0;
            windowStart = now;
            sampleCount = 0;
            windowCalls = 0;
            windowDrops = 0;
            windowMaxInFlight = 0;
        }
    }
}
