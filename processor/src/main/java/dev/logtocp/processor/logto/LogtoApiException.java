package dev.logtocp.processor.logto;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.Set;

/**
 * Logto answered with a status the operation cannot accept. Carries the decision: {@link #retryable()} for
 * transient statuses (429, 500, 502, 503, 504), permanent otherwise, with Logto's {@code code} for the outcome.
 * The message is Logto's own message, which never contains request secrets.
 */
public final class LogtoApiException extends LogtoException {
    private static final Set<Integer> TRANSIENT = Set.of(429, 500, 502, 503, 504);

    private final int status;
    private final String code;
    private final Duration retryAfter;

    public LogtoApiException(String operation, int status, String code, String message, Duration retryAfter) {
        super(operation + " answered " + status + (code == null ? "" : " " + code)
                + (message == null ? "" : ": " + message));
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    static LogtoApiException fromResponse(String operation, LogtoResponse response) {
        return new LogtoApiException(
                operation,
                response.status(),
                response.errorCode().orElse(null),
                response.errorMessage().orElse(null),
                parseRetryAfter(response.retryAfter()));
    }

    static Duration parseRetryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds < 0 ? null : Duration.ofSeconds(Math.min(seconds, 3600));
        } catch (NumberFormatException e) {
            try {
                var when = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(Instant.now(), when.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException ignored) {
                return null;
            }
        }
    }

    public int status() {
        return status;
    }

    /** Logto's error code, e.g. {@code user.username_already_in_use}; empty when the body had none. */
    public Optional<String> code() {
        return Optional.ofNullable(code);
    }

    @Override
    public boolean retryable() {
        return TRANSIENT.contains(status);
    }

    @Override
    public boolean overloadSignal() {
        return retryable();
    }

    @Override
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public String outcomeCode() {
        return code != null ? code : "http_" + status;
    }

    @Override
    public Optional<Integer> httpStatus() {
        return Optional.of(status);
    }
}
