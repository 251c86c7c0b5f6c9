package dev.logtocp.processor.command;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter (a uniformly random delay up to a doubling ceiling), never shorter than a
 * server's {@code Retry-After}. Full jitter spreads the retries of many keys that failed together, so a recovering
 * Logto is not hit by synchronized waves.
 *
 * @param maxAttempts executions per command, the first included
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

    /** Delay before execution number {@code nextAttempt} (2 for the first retry). */
    public Duration delayBefore(int nextAttempt, Optional<Duration> retryAfter) {
        int doublings = Math.min(30, Math.max(0, nextAttempt - 2));
        long ceiling = Math.min(maxDelay.toMillis(), baseDelay.toMillis() << doublings);
        long jittered = ThreadLocalRandom.current().nextLong(ceiling + 1);
        long floor = retryAfter.map(Duration::toMillis).orElse(0L);
        return Duration.ofMillis(Math.max(jittered, floor));
    }

    public boolean mayRetry(int attemptsSoFar) {
        return attemptsSoFar < maxAttempts;
    }
}
