package dev.logtocp.processor.logto;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.Map;

/**
 * Calls the Logto Management API with the M2M bearer token. Every write carries an {@code Idempotency-Key}
 * header (Logto ignores it today, gateways in front of it may honour it, and it ties Logto's logs to the
 * command). A 401 refreshes the token once and repeats the call.
 *
 * <p>Thread-safe; never blocks; callbacks run on the caller's Vert.x context.
 */
public final class LogtoClient {
    public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

    private final Vertx vertx;
    private final WebClient client;
    private final TokenProvider tokens;
    private final String baseUrl;
    private final long timeoutMillis;
    private final RateLimiter rateLimiter;
    private final String traceparent;
    private final RequestObserver observer;
    private final CallGate gate;

    /** Told about every HTTP call: the Logto operation, its status (0 when no answer came) and its duration. */
    @FunctionalInterface
    public interface RequestObserver {
        void observe(String operation, int status, long nanos);
    }

    public LogtoClient(Vertx vertx, WebClient client, TokenProvider tokens, String baseUrl, Duration requestTimeout,
                       RateLimiter rateLimiter, RequestObserver observer) {
        this(vertx, client, tokens, baseUrl, requestTimeout.toMillis(), rateLimiter, null, observer, CallGate.OPEN);
    }

    private LogtoClient(Vertx vertx, WebClient client, TokenProvider tokens, String baseUrl, long timeoutMillis,
                        RateLimiter rateLimiter, String traceparent, RequestObserver observer, CallGate gate) {
        this.vertx = vertx;
        this.client = client;
        this.tokens = tokens;
        this.baseUrl = baseUrl;
        this.timeoutMillis = timeoutMillis;
        this.rateLimiter = rateLimiter;
        this.traceparent = traceparent;
        this.observer = observer;
        this.gate = gate;
    }

    /**
     * This client, continuing the caller's W3C trace: every call carries a {@code traceparent} with the same trace
     * id and a fresh span id. An absent or malformed {@code incoming} value gives this client unchanged.
     */
    public LogtoClient traced(String incoming) {
        String child = Traceparent.child(incoming);
        return child == null ? this
                : new LogtoClient(vertx, client, tokens, baseUrl, timeoutMillis, rateLimiter, child, observer, gate);
    }

    /**
     * This client, with every request passing {@code gate} just before it goes on the wire (after the rate limit
     * and the token): the request leaves only if the gate opens, and the gate hears when it has ended.
     */
    public LogtoClient gated(CallGate gate) {
        return new LogtoClient(vertx, client, tokens, baseUrl, timeoutMillis, rateLimiter, traceparent, observer, gate);
    }

    /** A read: GET with query parameters. */
    public Future<LogtoResponse> get(String operation, String path, Map<String, String> query) {
        return send(operation, HttpMethod.GET, path, query, null, null, true);
    }

    /**
     * A write. {@code idempotencyKey} is mandatory: a write without one is a programming error.
     *
     * @param body JSON body, or null for none
     */
    public Future<LogtoResponse> write(String operation, HttpMethod method, String path, Map<String, String> query,
                                       JsonObject body, String idempotencyKey) {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            throw new IllegalArgumentException("every Logto write needs an idempotency key");
        }
        return send(operation, method, path, query, body, idempotencyKey, true);
    }

    private Future<LogtoResponse> send(String operation, HttpMethod method, String path, Map<String, String> query,
                                       JsonObject body, String idempotencyKey, boolean mayRefresh) {
        long wait = rateLimiter.reserveDelayMillis();
        if (wait > 0) {
            return vertx.timer(wait).compose(t -> sendNow(operation, method, path, query, body, idempotencyKey, mayRefresh));
        }
        return sendNow(operation, method, path, query, body, idempotencyKey, mayRefresh);
    }

    private Future<LogtoResponse> sendNow(String operation, HttpMethod method, String path, Map<String, String> query,
                                          JsonObject body, String idempotencyKey, boolean mayRefresh) {
        return tokens.token().compose(token -> gate.enter().compose(entered -> {
            HttpRequest<Buffer> request = client.requestAbs(method, baseUrl + path)
                    .timeout(timeoutMillis)
                    .bearerTokenAuthentication(token.value());
            if (query != null) {
                query.forEach(request::addQueryParam);
            }
            if (idempotencyKey != null) {
                request.putHeader(IDEMPOTENCY_KEY_HEADER, idempotencyKey);
            }
            if (traceparent != null) {
                request.putHeader("traceparent", traceparent);
            }
            long started = System.nanoTime();
            Future<HttpResponse<Buffer>> sent;
            try {
                sent = body == null ? request.send() : request.sendJsonObject(body);
            } catch (RuntimeException e) {
                gate.exit();
                return Future.failedFuture(e);
            }
            return sent.<LogtoResponse>transform(ar -> {
                gate.exit();
                observer.observe(operation, ar.succeeded() ? ar.result().statusCode() : 0, System.nanoTime() - started);
                if (ar.failed()) {
                    // Without an answer a write may or may not have been applied: say so, so that the retry is
                    // settled by the operation's natural idempotency.
                    return Future.failedFuture(new LogtoTransportException(operation, ar.cause(), idempotencyKey != null));
                }
                HttpResponse<Buffer> response = ar.result();
                if (response.statusCode() == 401 && mayRefresh) {
                    tokens.invalidate(token);
                    return send(operation, method, path, query, body, idempotencyKey, false);
                }
                return Future.succeededFuture(new LogtoResponse(response.statusCode(), response.body(),
                        response.getHeader("Retry-After"), response.getHeader("Total-Number")));
            });
        }));
    }
}
