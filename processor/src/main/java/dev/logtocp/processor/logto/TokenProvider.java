package dev.logtocp.processor.logto;

import dev.logtocp.processor.config.LogtoSettings;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Obtains and caches the machine-to-machine access token (OAuth2 client credentials against
 * {@code /oidc/token}). The token is reused until shortly before it expires; concurrent callers share one refresh.
 *
 * <p>Thread-safe; never blocks. The token and the client secret are never logged.
 */
public final class TokenProvider {
    private static final Logger LOGGER = LoggerFactory.getLogger(TokenProvider.class);

    /** Refresh this long before expiry, or at 90 % of a short lifetime, whichever comes first. */
    private static final Duration MAX_REFRESH_MARGIN = Duration.ofSeconds(60);

    private final WebClient client;
    private final LogtoSettings settings;
    private final Clock clock;
    private final AtomicReference<Future<AccessToken>> current = new AtomicReference<>();

    public TokenProvider(WebClient client, LogtoSettings settings, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.clock = clock;
    }

    /** A valid token, from the cache or a refresh shared by all concurrent callers. */
    public Future<AccessToken> token() {
        while (true) {
            Future<AccessToken> cached = current.get();
            if (cached != null
                    && (!cached.isComplete()
                            || (cached.succeeded() && cached.result().usableAt(clock.instant())))) {
                return cached;
            }
            Future<AccessToken> fresh = fetch();
            if (current.compareAndSet(cached, fresh)) {
                return fresh;
            }
        }
    }

    /** Forget {@code rejected} after Logto answered 401 to it, so the next {@link #token()} fetches a new one. */
    public void invalidate(AccessToken rejected) {
        Future<AccessToken> cached = current.get();
        if (cached != null && cached.succeeded() && cached.result() == rejected) {
            current.compareAndSet(cached, null);
        }
    }

    private Future<AccessToken> fetch() {
        MultiMap form = MultiMap.caseInsensitiveMultiMap()
                .add("grant_type", "client_credentials")
                .add("resource", settings.resource())
                .add("scope", "all");
        Instant requestedAt = clock.instant();
        return client.postAbs(settings.baseUrl() + "/oidc/token")
                .basicAuthentication(settings.appId(), settings.appSecret().reveal())
                .timeout(settings.requestTimeout().toMillis())
                .sendForm(form)
                .recover(err -> Future.failedFuture(new LogtoAuthException(
                        "no answer from token endpoint (" + err.getClass().getSimpleName() + ")", 0)))
                .compose(response -> parse(response, requestedAt))
                .onFailure(err -> {
                    current.set(null);
                    LOGGER.atWarn().addKeyValue("error", err.getMessage()).log("M2M token request failed");
                });
    }

    private Future<AccessToken> parse(HttpResponse<Buffer> response, Instant requestedAt) {
        if (response.statusCode() != 200) {
            LogtoResponse r = new LogtoResponse(response.statusCode(), response.body(), null, null);
            return Future.failedFuture(new LogtoAuthException(
                    response.statusCode() + " " + r.errorCode().orElse("(no code)"), response.statusCode()));
        }
        try {
            var json = response.bodyAsJsonObject();
            String value = json.getString("access_token");
            long expiresIn = json.getLong("expires_in", 3600L);
            if (value == null || value.isBlank()) {
                return Future.failedFuture(new LogtoAuthException("answer had no access_token", 200));
            }
            Duration lifetime = Duration.ofSeconds(Math.max(1, expiresIn));
            Duration margin = lifetime.dividedBy(10).compareTo(MAX_REFRESH_MARGIN) < 0
                    ? lifetime.dividedBy(10)
                    : MAX_REFRESH_MARGIN;
            return Future.succeededFuture(
                    new AccessToken(value, requestedAt.plus(lifetime).minus(margin)));
        } catch (RuntimeException e) {
            return Future.failedFuture(new LogtoAuthException("unreadable token answer", 200));
        }
    }

    /** A bearer token and the instant after which it is no longer used. */
    public static final class AccessToken {
        private final String value;
        private final Instant refreshAt;

        AccessToken(String value, Instant refreshAt) {
            this.value = value;
            this.refreshAt = refreshAt;
        }

        String value() {
            return value;
        }

        boolean usableAt(Instant now) {
            return now.isBefore(refreshAt);
        }

        @Override
        public String toString() {
            return "AccessToken[****, refreshAt=" + refreshAt + "]";
        }
    }
}
