package dev.logtocp.processor.config;

import java.time.Duration;

/**
 * How the processor keeps from overloading Logto.
 *
 * @param adaptive              {@code LOGTO_CONCURRENCY}: {@code adaptive} (default) lets the limit on concurrent
 *                              Logto calls follow Logto's latency and overload answers, between
 *                              {@code LOGTO_CONCURRENCY_MIN} and {@code MAX_IN_FLIGHT}; {@code fixed} allows
 *                              {@code MAX_IN_FLIGHT} calls at all times
 * @param minLimit              {@code LOGTO_CONCURRENCY_MIN}: the adaptive limit's floor (default 1)
 * @param initialLimit          {@code LOGTO_CONCURRENCY_INITIAL}: where the adaptive limit starts (default 4, at most
 *                              {@code MAX_IN_FLIGHT})
 * @param requestTimeoutMax     {@code LOGTO_REQUEST_TIMEOUT_MAX_MS}: the request timeout grows to twice the slowest
 *                              answer of the last minute, up to this (default 60000, not below
 *                              {@code LOGTO_REQUEST_TIMEOUT_MS})
 * @param retryBudgetPercent    {@code RETRY_BUDGET_PERCENT}: retries may add at most this percentage of the answered
 *                              attempts (default 20)
 * @param retryBudgetMinPerSecond {@code RETRY_BUDGET_MIN_PER_SECOND}: retries allowed per second whatever the
 *                              traffic (default 10)
 */
public record OverloadSettings(
        boolean adaptive,
        int minLimit,
        int initialLimit,
        Duration requestTimeoutMax,
        int retryBudgetPercent,
        int retryBudgetMinPerSecond) {

    public OverloadSettings {
        if (minLimit < 1) {
            throw new ConfigException("LOGTO_CONCURRENCY_MIN", "must be at least 1");
        }
        if (initialLimit < minLimit) {
            throw new ConfigException(
                    "LOGTO_CONCURRENCY_INITIAL", "must not be below LOGTO_CONCURRENCY_MIN (" + minLimit + ")");
        }
    }

    static OverloadSettings from(ConfigSource source, EngineSettings engine, LogtoSettings logto) {
        String mode = source.string("LOGTO_CONCURRENCY", "adaptive");
        if (!mode.equals("adaptive") && !mode.equals("fixed")) {
            throw new ConfigException("LOGTO_CONCURRENCY", "must be adaptive or fixed");
        }
        int min = source.integer("LOGTO_CONCURRENCY_MIN", 1, 1, engine.maxInFlight());
        int initial = source.integer(
                "LOGTO_CONCURRENCY_INITIAL", Math.max(min, Math.min(4, engine.maxInFlight())), 1, engine.maxInFlight());
        Duration timeout = logto.requestTimeout();
        Duration max = source.millis(
                "LOGTO_REQUEST_TIMEOUT_MAX_MS",
                timeout.compareTo(Duration.ofMinutes(1)) > 0 ? timeout : Duration.ofMinutes(1),
                timeout,
                Duration.ofMinutes(30));
        return new OverloadSettings(
                mode.equals("adaptive"),
                min,
                initial,
                max,
                source.integer("RETRY_BUDGET_PERCENT", 20, 0, 1000),
                source.integer("RETRY_BUDGET_MIN_PER_SECOND", 10, 0, 1_000_000));
    }
}
