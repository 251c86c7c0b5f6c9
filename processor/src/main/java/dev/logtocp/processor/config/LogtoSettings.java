package dev.logtocp.processor.config;

import java.net.URI;
import java.time.Duration;

/**
 * How to reach Logto's Management API.
 *
 * @param endpoint        {@code LOGTO_ENDPOINT}, required, e.g. {@code https://auth.example.com}
 * @param appId           {@code LOGTO_M2M_APP_ID}, required: the machine-to-machine application
 * @param appSecret       {@code LOGTO_M2M_APP_SECRET} (or {@code LOGTO_M2M_APP_SECRET_FILE}), required
 * @param resource        {@code LOGTO_RESOURCE}, the Management API indicator (default
 *                        {@code https://default.logto.app/api}; Logto Cloud: {@code https://<tenant>.logto.app/api})
 * @param requestTimeout  {@code LOGTO_REQUEST_TIMEOUT_MS}, per HTTP call (default 10000)
 * @param maxConnections  {@code LOGTO_MAX_CONNECTIONS}, HTTP/1.1 connection pool size (default 64)
 */
public record LogtoSettings(
        URI endpoint,
        String appId,
        Secret appSecret,
        String resource,
        Duration requestTimeout,
        int maxConnections) {

    public LogtoSettings {
        if (endpoint == null || endpoint.getScheme() == null || endpoint.getHost() == null
                || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))) {
            throw new ConfigException("LOGTO_ENDPOINT", "must be an absolute http:// or https:// URL");
        }
        KafkaSettings.requireText("LOGTO_M2M_APP_ID", appId);
        if (appSecret == null || appSecret.reveal().isBlank()) {
            throw new ConfigException("LOGTO_M2M_APP_SECRET", "is required");
        }
        KafkaSettings.requireText("LOGTO_RESOURCE", resource);
    }

    /** The endpoint without a trailing slash, ready to have {@code /api/...} appended. */
    public String baseUrl() {
        String s = endpoint.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
