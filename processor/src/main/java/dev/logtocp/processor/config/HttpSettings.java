package dev.logtocp.processor.config;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the health, metrics and operator-console endpoint listens, and who may act through the console.
 *
 * @param host       {@code HTTP_BIND=host:port} (default {@code 127.0.0.1:0}, a free port on loopback; use
 *                   {@code 0.0.0.0:8080} in a container)
 * @param port       port -1 disables the endpoint
 * @param adminToken {@code HTTP_ADMIN_TOKEN} (or {@code HTTP_ADMIN_TOKEN_FILE}): the operator token every console
 *                   action (redrive) needs, at least {@value #MIN_TOKEN_LENGTH} characters; without one the console
 *                   is read-only
 * @param historyView {@code HISTORY_VIEW_URL}: base URL of the status and history view service the console's user
 *                   history panel asks ({@code GET <url>/users/{ref}/history}); none: the panel says there is no view
 */
public record HttpSettings(String host, int port, Optional<Secret> adminToken, Optional<URI> historyView) {
    public static final int MIN_TOKEN_LENGTH = 16;

    public HttpSettings {
        if (host == null || host.isBlank()) {
            throw new ConfigException("HTTP_BIND", "needs a host, e.g. 0.0.0.0:8080");
        }
        if (port < -1 || port > 65535) {
            throw new ConfigException("HTTP_BIND", "port must be in [0, 65535], or -1 to disable");
        }
        Objects.requireNonNull(adminToken, "adminToken");
        Objects.requireNonNull(historyView, "historyView");
        if (historyView.isPresent()
                && (historyView.get().getHost() == null
                        || !List.of("http", "https")
                                .contains(String.valueOf(historyView.get().getScheme())))) {
            throw new ConfigException(
                    "HISTORY_VIEW_URL", "must be an http(s) URL, e.g. http://logto-command-view:8088");
        }
        if (adminToken.isPresent() && adminToken.get().reveal().length() < MIN_TOKEN_LENGTH) {
            // Never say what was given: the length check must not leak the value.
            throw new ConfigException("HTTP_ADMIN_TOKEN", "must be at least " + MIN_TOKEN_LENGTH + " characters");
        }
    }

    public HttpSettings(String host, int port) {
        this(host, port, Optional.empty(), Optional.empty());
    }

    static HttpSettings parse(String value, Optional<Secret> adminToken, Optional<String> historyView) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConfigException("HTTP_BIND", "must be host:port, e.g. 0.0.0.0:8080");
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException("HTTP_BIND", "port must be a number");
        }
        Optional<URI> view;
        try {
            view = historyView.map(URI::create);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("HISTORY_VIEW_URL", "is not a valid URL");
        }
        return new HttpSettings(value.substring(0, colon), port, adminToken, view);
    }

    static HttpSettings parse(String value) {
        return parse(value, Optional.empty(), Optional.empty());
    }

    public boolean enabled() {
        return port >= 0;
    }
}
