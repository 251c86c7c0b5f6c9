package dev.logtocp.processor.logto;

import java.util.Arrays;

/**
 * A concurrency limit that follows what Logto delivers: about twice the calls needed to keep it busy, so its own
 * queue (its database pool, whose waits end in 500 after 5 s) stays short while its throughput stays at the top.
 *
 * <p>How (the idea of TCP BBR, for requests): calls are grouped into windows of at least
 * {@link #MIN_WINDOW_NANOS} and two base round trips. Each window gives the rate of answered calls; the best rate
 * of the last {@link #RATE_WINDOWS} windows is what Logto can deliver. {@code base} is the time a call holds its
 * permit when Logto is not queueing (from the permit being granted to the answer being handled, so the client's own
 * turnaround is in it). Their product is the number of calls that keeps Logto busy without a queue; the limit is
 * {@link #GAIN} times that, growing at most {@link #MAX_GROWTH} times per window (so from a low start it doubles
 * while the rate keeps rising) and falling at most by half. A window in which more than {@link #DROP_THRESHOLD} of
 * the calls were overload answers (429, 5xx, timeouts) cuts the limit by that fraction (to a quarter at most), and
 * at least to what the answered calls needed, and forgets the best rate; like TCP after a loss, the limit then
 * grows by one call per window above half the limit where the overload struck, so it does not walk straight back
 * into a cliff it found (a pool whose transactions wait for each other collapses all at once). A window in which the calls never used half the limit does not raise it: an idle limit
 * says nothing about the server.
 *
 * <p>Start-up (BBR's STARTUP): until the delivered rate stops growing, the limit doubles per window (gain
 * {@link #STARTUP_GAIN}, windows of {@link #STARTUP_WINDOW_NANOS}); when the best rate has grown by less than
 * {@link #FULL_RATE_GROWTH} for {@link #FULL_RATE_WINDOWS} windows in which the calls used the limit, or at the
 * first overload, start-up ends and the limit drops at once to the steady target. Without it, an instance started
 * under a backlog spent its first second or two at a fraction of what an unlimited Logto takes (20 to 30 % of a
 * 20,000-command burst in the benchmark).
 *
 * <p>A latency gradient alone (Vegas, Gradient2) cannot do this on a server that does one thing at a time, as
 * Logto's event loop does: there latency grows with every call added, from the first, so such a limit settles near
 * one call and the server idles during each turnaround. The rate shows where more calls stop helping.
 *
 * <p>{@code base} is the median hold time measured at low concurrency: the lower of itself and each window's
 * median, and re-measured every {@link #PROBE_INTERVAL_NANOS} by a probe: the limit drops to a quarter, waits until
 * the calls in flight drain to that, and takes the median of the calls granted after that point. Without probes a
 * standing queue would only ever be measured, and a slower Logto (its no-load latency grown) would never be
 * noticed.
 *
 * <p>Not thread-safe: {@link CallLimiter} calls it under its lock.
 */
final class AdaptiveLimit implements ConcurrencyLimit {
    static final double GAIN = 1.5;
    /** BBR's start-up gain, 2/ln 2: enough to double the rate per window while it keeps rising. */
    static final double STARTUP_GAIN = 2 / Math.log(2);

    static final double FULL_RATE_GROWTH = 1.25;
    static final int FULL_RATE_WINDOWS = 2;
    static final long STARTUP_WINDOW_NANOS = 50_000_000L;
    static final double MAX_GROWTH = 2.0;
    static final double DROP_THRESHOLD = 0.25;
    /** Fewer overload answers than this in a window are noise (ChaosIT injects 8 % of faults), not overload. */
    static final int MIN_WINDOW_DROPS = 3;

    static final long MIN_WINDOW_NANOS = 100_000_000L;
    static final int MIN_WINDOW_SAMPLES = 4;
    static final int MAX_WINDOW_SAMPLES = 4096;
    static final int RATE_WINDOWS = 10;
    static final long PROBE_INTERVAL_NANOS = 10_000_000_000L;
    /** A probe that cannot drain or measure in this long gives up and keeps the old baseline. */
    static final long PROBE_GIVE_UP_NANOS = 3_000_000_000L;

    private final int min;
    private final int max;

    private double limit;
    private long baseNanos = -1;
    /** Where an overload last struck, halved: above it the limit only grows by one per window (TCP's ssthresh). */
    private double threshold = Double.MAX_VALUE;

    private boolean startup = true;
    /** The best rate start-up has seen grow by {@link #FULL_RATE_GROWTH}, and windows since it last did. */
    private double fullRate;

    private int flatWindows;

    private long windowStart = Long.MIN_VALUE;
    private final long[] samples = new long[MAX_WINDOW_SAMPLES];
    private int sampleCount;
    private int windowCalls;
    private int windowDrops;
    private int windowMaxInFlight;
    private final double[] rates = new double[RATE_WINDOWS];
    private int rateIndex;

    private long lastProbe;
    private boolean probing;
    private int probeLimit;
    private long probeStart;
    private long probeDrainedAt = -1;
    private final long[] probeSamples = new long[64];
    private int probeCount;

    /**
     * @param min      the floor (at least 1)
     * @param initial  where it starts
     * @param max      the ceiling, {@code MAX_IN_FLIGHT}
     * @param nowNanos the current time, so that the first probe comes one interval after start
     */
    AdaptiveLimit(int min, int initial, int max, long nowNanos) {
        if (min < 1 || max < min || initial < min || initial > max) {
            throw new IllegalArgumentException(
                    "need 1 <= min <= initial <= max, got " + min + ", " + initial + ", " + max);
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

    /** The no-load hold time in use, or -1 before the first window. For tests. */
    long baseNanos() {
        return baseNanos;
    }

    boolean probing() {
        return probing;
    }

    boolean inStartup() {
        return startup;
    }

    /** A probe must end even when no call it could measure ends (refused connections, a fenced instance). */
    @Override
    public void onIgnored(long nowNanos, int inFlight) {
        if (probing && nowNanos - probeStart >= PROBE_GIVE_UP_NANOS) {
            endProbe(nowNanos);
        }
    }

    @Override
    public void onSample(long nowNanos, long holdNanos, boolean dropped, int inFlight) {
        if (probing) {
            probe(nowNanos, holdNanos, dropped, inFlight);
            return;
        }
        if (windowStart == Long.MIN_VALUE) {
            windowStart = nowNanos - holdNanos;
        }
        windowCalls++;
        if (dropped) {
            windowDrops++;
        } else if (sampleCount < MAX_WINDOW_SAMPLES) {
            samples[sampleCount++] = holdNanos;
        }
        windowMaxInFlight = Math.max(windowMaxInFlight, inFlight + 1);
        long length = Math.max(startup ? STARTUP_WINDOW_NANOS : MIN_WINDOW_NANOS, baseNanos < 0 ? 0 : 2 * baseNanos);
        if (windowCalls >= MIN_WINDOW_SAMPLES && nowNanos - windowStart >= length) {
            endWindow(nowNanos);
        }
    }

    private void endWindow(long now) {
        double dropFraction = (double) windowDrops / windowCalls;
        double rate = (windowCalls - windowDrops) * 1e9 / Math.max(1, now - windowStart);
        boolean appLimited = windowMaxInFlight < limit / 2;
        double next = limit;
        if (dropFraction > DROP_THRESHOLD && windowDrops >= MIN_WINDOW_DROPS) {
            // Cut by the share of overload answers, and at least to what the answers that did come back needed:
            // a pool that deadlocked answers almost nothing for seconds, and the calls still queued in it say so.
            double delivered = baseNanos < 0 ? limit : GAIN * rate * baseNanos / 1e9;
            next = Math.min(limit * Math.max(0.25, 1 - dropFraction), Math.max(min, delivered));
            threshold = Math.max(min, limit / 2);
            Arrays.fill(rates, rate);
            startup = false;
        } else if (sampleCount > 0) {
            Arrays.sort(samples, 0, sampleCount);
            long median = samples[sampleCount / 2];
            if (baseNanos < 0 || median < baseNanos) {
                baseNanos = Math.max(1, median);
            }
            rates[rateIndex] = rate;
            rateIndex = (rateIndex + 1) % RATE_WINDOWS;
            double best = 0;
            for (double r : rates) {
                best = Math.max(best, r);
            }
            boolean leavingStartup = false;
            if (startup && !appLimited) {
                if (best >= FULL_RATE_GROWTH * fullRate) {
                    fullRate = best;
                    flatWindows = 0;
                } else if (++flatWindows >= FULL_RATE_WINDOWS) {
                    startup = false;
                    leavingStartup = true;
                }
            }
            double target = (startup ? STARTUP_GAIN : GAIN) * best * baseNanos / 1e9;
            double growth = limit >= threshold ? limit + 1 : MAX_GROWTH * limit + 1;
            // Leaving start-up drains the queue it built at once (BBR's DRAIN), instead of halving per window.
            next = leavingStartup ? Math.min(limit, target) : Math.max(limit / 2, Math.min(target, growth));
            if (next > limit && appLimited) {
                next = limit;
            }
        }
        limit = Math.max(min, Math.min(max, next));
        windowStart = now;
        sampleCount = 0;
        windowCalls = 0;
        windowDrops = 0;
        windowMaxInFlight = 0;
        if (baseNanos > 0 && !appLimited && !startup && now - lastProbe >= PROBE_INTERVAL_NANOS) {
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

    private void probe(long now, long hold, boolean dropped, int inFlight) {
        if (probeDrainedAt < 0 && inFlight <= probeLimit) {
            probeDrainedAt = now;
        } else if (probeDrainedAt >= 0
                && now - hold >= probeDrainedAt
                && !dropped
                && probeCount < probeSamples.length) {
            probeSamples[probeCount++] = hold;
        }
        boolean measured = probeCount >= Math.min(probeSamples.length, Math.max(3, probeLimit / 2));
        if (measured) {
            Arrays.sort(probeSamples, 0, probeCount);
            baseNanos = Math.max(1, probeSamples[probeCount / 2]);
        }
        if (measured || now - probeStart >= PROBE_GIVE_UP_NANOS) {
            endProbe(now);
        }
    }

    private void endProbe(long now) {
        probing = false;
        lastProbe = now;
        windowStart = now;
        sampleCount = 0;
        windowCalls = 0;
        windowDrops = 0;
        windowMaxInFlight = 0;
    }
}
