package dev.logtocp.processor.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How to reach Logto's Management API.
 *
 * @param endpoint        {@code LOGTO_ENDPOINT}, required, e.g. {@code https://auth.example.com}
 * @param appId           {@code LOGTO_M2M_APP_ID}, required: the machine-to-machine application
 * @param appSecret       {@code LOGTO_M2M_APP_SECRET} (or {@code LOGTO_M2M_APP_SECRET_FILE}), required
 * @param resource        {@code LOGTO_RESOURCE}, the Management API indicator (default
 *                        {@code https://default.logto.app/api}; Logto Cloud: {@code https://<tenant>.logto.app/api})
 * @param requestTimeout  {@code LOGTO_REQUEST_TIMEOUT_MS}, per HTTP call (default 10000)
 * @param maxConnections  {@code LOGTO_MAX_CONNECTIONS}, HTTP/1.1 connection pool size (default: MAX_IN_FLIGHT)
 * @param rateLimitPerSecond {@code LOGTO_RATE_LIMIT_RPS}, ceiling on requests per second to Logto (default 0: none)
 * @param breakerThreshold   {@code BREAKER_FAILURE_THRESHOLD}, consecutive transient failures that open the
 *                           circuit breaker (default 20)
 * @param breakerOpen        {@code BREAKER_OPEN_MS}, first open period (default 2000), doubling up to
 * @param breakerMaxOpen     {@code BREAKER_MAX_OPEN_MS} (default 60000)
 * @param caFile             {@code LOGTO_CA_FILE}: PEM certificate(s) to trust for an https endpoint signed by a private
 *                           CA; without it the JVM's trust store is used. Certificates and host names are always
 *                           verified
 */
public record LogtoSettings(
        URI endpoint,
        String appId,
        Secret appSecret,
        String resource,
        Duration requestTimeout,
        int maxConnections,
        double rateLimitPerSecond,
        int breakerThreshold,
        Duration breakerOpen,
        Duration breakerMaxOpen,
        Optional<Path> caFile) {

    public LogtoSettings {
        if (endpoint == null
                || endpoint.getScheme() == null
                || endpoint.getHost() == null
                || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))) {
            throw new ConfigException("LOGTO_ENDPOINT", "must be an absolute http:// or https:// URL");
        }
        KafkaSettings.requireText("LOGTO_M2M_APP_ID", appId);
        if (appSecret == null || appSecret.reveal().isBlank()) {
            throw new ConfigException("LOGTO_M2M_APP_SECRET", "is required");
        }
        KafkaSettings.requireText("LOGTO_RESOURCE", resource);
        if (rateLimitPerSecond < 0) {
            throw new ConfigException("LOGTO_RATE_LIMIT_RPS", "must be 0 (off) or positive");
        }
        if (breakerThreshold < 1) {
            throw new ConfigException("BREAKER_FAILURE_THRESHOLD", "must be at least 1");
        }
        caFile.ifPresent(file -> {
            if (!Files.isReadable(file)) {
                throw new ConfigException("LOGTO_CA_FILE", "must name a readable PEM file");
            }
        });
        if (breakerMaxOpen.compareTo(breakerOpen) < 0) {
            throw new ConfigException("BREAKER_MAX_OPEN_MS", "must not be below BREAKER_OPEN_MS");
        }
    }

    /** The endpoint without a trailing slash, ready to have {@code /api/...} appended. */
    public String baseUrl() {
        String s = endpoint.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
