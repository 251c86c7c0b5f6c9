package dev.logtocp.schema.registry;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Connection settings for {@link HttpSchemaRegistryClient}, readable from Confluent's property names so
 * the same properties configure either implementation. Immutable.
 *
 * <p>{@link #toString()} never shows the credentials.
 *
 * @param urls           registry base URLs, tried in order on retryable failures (failover)
 * @param userInfo       {@code user:password} for HTTP basic auth, if any
 * @param connectTimeout TCP connect timeout
 * @param requestTimeout whole-request timeout
 */
public record RegistryClientConfig(
        List<URI> urls, Optional<String> userInfo, Duration connectTimeout, Duration requestTimeout) {

    public static final String URL = "schema.registry.url";
    public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String USER_INFO = "basic.auth.user.info";
    /** Confluent accepts the user info under this prefixed name too. */
    public static final String PREFIXED_USER_INFO = "schema.registry.basic.auth.user.info";

    public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String READ_TIMEOUT_MS = "http.read.timeout.ms";

    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    public RegistryClientConfig {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new ConfigException(URL, "", "at least one schema registry URL is required");
        }
        Objects.requireNonNull(userInfo, "userInfo");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /** Plain config for one or more comma-separated URLs, no auth, default timeouts. */
    public static RegistryClientConfig of(String commaSeparatedUrls) {
        return new RegistryClientConfig(
                parseUrls(commaSeparatedUrls), Optional.empty(), DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * Reads Confluent's property names: {@code schema.registry.url} (comma-separated),
     * {@code basic.auth.credentials.source} ({@code USER_INFO} or {@code URL}), {@code basic.auth.user.info},
     * {@code http.connect.timeout.ms}, {@code http.read.timeout.ms}.
     */
    public static RegistryClientConfig fromProperties(Map<String, ?> props) {
        Object rawUrls = props.get(URL);
        if (rawUrls == null) {
            throw new ConfigException(URL, null, "missing schema registry URL");
        }
        String urlText = rawUrls instanceof List<?> list
                ? String.join(",", list.stream().map(String::valueOf).toList())
                : String.valueOf(rawUrls);
        List<URI> urls = parseUrls(urlText);

        String source = string(props, CREDENTIALS_SOURCE).orElse("").toUpperCase(Locale.ROOT);
        Optional<String> userInfo = switch (source) {
            case "" -> string(props, USER_INFO).or(() -> string(props, PREFIXED_USER_INFO));
            case "USER_INFO" ->
                Optional.of(string(props, USER_INFO)
                        .or(() -> string(props, PREFIXED_USER_INFO))
                        .orElseThrow(() -> new ConfigException(
                                USER_INFO, "<hidden>", "required when " + CREDENTIALS_SOURCE + "=USER_INFO")));
            case "URL" ->
                urls.stream()
                        .map(URI::getRawUserInfo)
                        .filter(Objects::nonNull)
                        .findFirst()
                        .map(u -> URLDecoder.decode(u, StandardCharsets.UTF_8));
            default -> throw new ConfigException(CREDENTIALS_SOURCE, source, "only USER_INFO and URL are supported");
        };
        userInfo = userInfo.filter(u -> !u.isEmpty());
        userInfo.ifPresent(u -> {
            if (!u.contains(":")) {
                throw new ConfigException(USER_INFO, "<hidden>", "expected user:password");
            }
        });
        return new RegistryClientConfig(
                urls.stream().map(RegistryClientConfig::withoutUserInfo).toList(),
                userInfo,
                millis(props, CONNECT_TIMEOUT_MS).orElse(DEFAULT_CONNECT_TIMEOUT),
                millis(props, READ_TIMEOUT_MS).orElse(DEFAULT_REQUEST_TIMEOUT));
    }

    /** Strips {@code user:pass@} so a URL can be logged or put in an exception message. */
    static URI withoutUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri;
        }
        return URI.create(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + Optional.ofNullable(uri.getRawPath()).orElse(""));
    }

    private static List<URI> parseUrls(String text) {
        List<URI> urls = new ArrayList<>();
        for (String part : text.split(",")) {
            String trimmed = part.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            // Trailing slashes would double up when paths are appended.
            while (trimmed.endsWith("/")) {
                trimmed = trimmed.substring(0, trimmed.length() - 1);
            }
            URI uri;
            try {
                uri = URI.create(trimmed);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(URL, "<invalid>", "not a URL");
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new ConfigException(URL, withoutUserInfo(uri).toString(), "only http and https are supported");
            }
            urls.add(uri);
        }
        return urls;
    }

    private static Optional<String> string(Map<String, ?> props, String key) {
        Object value = props.get(key);
        if (value == null) {
            return Optional.empty();
        }
        // Kafka's Password type hides itself in toString(); value() holds the secret.
        if (value instanceof Password password) {
            return Optional.ofNullable(password.value());
        }
        return Optional.of(String.valueOf(value));
    }

    private static Optional<Duration> millis(Map<String, ?> props, String key) {
        return string(props, key).map(v -> {
            try {
                return Duration.ofMillis(Long.parseLong(v.trim()));
            } catch (NumberFormatException e) {
                throw new ConfigException(key, v, "expected milliseconds");
            }
        });
    }

    @Override
    public String toString() {
        return "RegistryClientConfig[urls=" + urls + ", basicAuth=" + userInfo.isPresent() + ", connectTimeout="
                + connectTimeout + ", requestTimeout=" + requestTimeout + "]";
    }
}
