package dev.logtocp.processor.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How hard the processor works and how it retries.
 *
 * @param maxInFlight         {@code MAX_IN_FLIGHT}: commands executing at once across all users (default 256);
 *                            also the global limit of concurrent Logto calls
 * @param maxBufferedRecords  {@code MAX_BUFFERED_RECORDS}: records read but not finished before partitions are
 *                            paused (default 10000); bounds the heap whatever the backlog
 * @param maxAttempts         {@code MAX_ATTEMPTS}: executions per command, first included, on transient
 *                            failures (default 6)
 * @param retryBaseDelay      {@code RETRY_BASE_DELAY_MS}: first backoff ceiling (default 200)
 * @param retryMaxDelay       {@code RETRY_MAX_DELAY_MS}: backoff ceiling cap (default 10000)
 * @param maxCommandBytes     {@code MAX_COMMAND_BYTES}: larger records are dead-lettered unread (default 1048576)
 * @param commitInterval      {@code COMMIT_INTERVAL_MS}: longest a finished command waits for its transaction
 *                            (default 20)
 * @param shutdownTimeout     {@code SHUTDOWN_TIMEOUT_MS}: how long SIGTERM waits for in-flight work (default 20000)
 * @param executionThreads    {@code EXECUTION_THREADS}: event loops that run the Logto calls (default: the number of
 *                            processors); a user's commands always run on the same one
 * @param ledgerRetention     {@code LEDGER_RETENTION_MS}: how long a decided (issuer, idempotencyKey) is remembered
 *                            (default 7 days); keep it at least as long as the command topic's retention, the
 *                            window in which an operator can replay
 * @param stateDir            {@code STATE_DIR}: local directory of the ledger store (default
 *                            {@code <java.io.tmpdir>/logto-command-processor}); rebuilt from the ledger topic on
 *                            every start, so it needs no persistent volume, only disk for one retention window
 * @param commitBarrier       {@code COMMIT_BARRIER}: true (default) starts a user's next command only once the
 *                            previous one's outcome is committed, so a crash re-sends at most the latest command of
 *                            each user and never applies an older change after a newer one; false starts it once the
 *                            previous one has executed, which is faster for users with many commands in a row but
 *                            lets a crash re-apply an older command of a user after a newer one (see README)
 */
public record EngineSettings(
        int maxInFlight,
        int maxBufferedRecords,
        int maxAttempts,
        Duration retryBaseDelay,
        Duration retryMaxDelay,
        int maxCommandBytes,
        Duration commitInterval,
        Duration shutdownTimeout,
        Duration ledgerRetention,
        int executionThreads,
        Path stateDir,
        boolean commitBarrier) {

    public EngineSettings {
        if (maxInFlight < 1) {
            throw new ConfigException("MAX_IN_FLIGHT", "must be at least 1");
        }
        if (maxBufferedRecords < maxInFlight) {
            throw new ConfigException("MAX_BUFFERED_RECORDS", "must be at least MAX_IN_FLIGHT (" + maxInFlight + ")");
        }
        if (executionThreads < 1) {
            throw new ConfigException("EXECUTION_THREADS", "must be at least 1");
        }
        if (maxAttempts < 1) {
            throw new ConfigException("MAX_ATTEMPTS", "must be at least 1");
        }
        if (retryMaxDelay.compareTo(retryBaseDelay) < 0) {
            throw new ConfigException("RETRY_MAX_DELAY_MS", "must not be below RETRY_BASE_DELAY_MS");
        }
    }

    public static EngineSettings defaults() {
        return new EngineSettings(
                256,
                10_000,
                6,
                Duration.ofMillis(200),
                Duration.ofSeconds(10),
                1 << 20,
                Duration.ofMillis(20),
                Duration.ofSeconds(20),
                Duration.ofDays(7),
                Math.max(1, Runtime.getRuntime().availableProcessors()),
                Path.of(System.getProperty("java.io.tmpdir"), "logto-command-processor"),
                true);
    }
}
