package dev.logtocp.processor.logto;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Calls the Logto Management API with the M2M bearer token. Every write carries an {@code Idempotency-Key}
 * header (Logto ignores it today, gateways in front of it may honour it, and it ties Logto's logs to the
 * command). A 401 refreshes the token once and repeats the call.
 *
 * <p>Every request first takes a permit from the {@link CallLimiter} (waiting in its queue, never blocking) and gives
 * it back with what the call showed: its round trip and whether the answer was an overload signal. The request
 * timeout ({@link RequestTimeout}) starts when the request is sent, not while it waits for a permit.
 *
 * <p>Then, after the permit and the token and just before the request goes on the wire, it passes the command's
 * {@link CallGate} (the partition's ownership lease): a request the gate refuses is never sent, and the gate hears
 * when a request it let through has ended.
 *
 * <p>Thread-safe; never blocks; callbacks run on the caller's Vert.x context.
 */
public final class LogtoClient implements LogtoCalls {
    public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

    private final Wiring wiring;
    private final String traceparent;
    private final Instant deadline;
    private final CallGate gate;

    /** Told about every HTTP call: the Logto operation, its status (0 when no answer came) and its duration. */
    @FunctionalInterface
    public interface RequestObserver {
        void observe(String operation, int status, long nanos);
    }

    /** What every copy of the client shares. */
    public record Wiring(
            Vertx vertx,
            WebClient client,
            TokenProvider tokens,
            String baseUrl,
            RequestTimeout timeout,
            RateLimiter rateLimiter,
            CallLimiter limiter,
            RequestObserver observer) {}

    public LogtoClient(Wiring wiring) {
        this(wiring, null, null, CallGate.OPEN);
    }

    private LogtoClient(Wiring wiring, String traceparent, Instant deadline, CallGate gate) {
        this.wiring = wiring;
        this.traceparent = traceparent;
        this.deadline = deadline;
        this.gate = gate;
    }

    /**
     * This client, continuing the caller's W3C trace: every call carries a {@code traceparent} with the same trace
     * id and a fresh span id. An absent or malformed {@code incoming} value gives this client unchanged.
     */
    public LogtoClient traced(String incoming) {
        String child = Traceparent.child(incoming);
        return child == null ? this : new LogtoClient(wiring, child, deadline, gate);
    }

    /**
     * This client for a command with a deadline: a call still waiting for a permit when it passes is never sent
     * and fails with {@link LogtoCapacityWaitExpired}. Null means no deadline.
     */
    public LogtoClient withDeadline(Instant commandDeadline) {
        return commandDeadline == null ? this : new LogtoClient(wiring, traceparent, commandDeadline, gate);
    }

    /**
     * This client, with every request passing {@code gate} just before it goes on the wire (after the permit and the
     * token): the request leaves only if the gate opens, and the gate hears when it has ended.
     */
    public LogtoClient gated(CallGate gate) {
        return new LogtoClient(wiring, traceparent, deadline, gate);
    }

    @Override
    public Future<LogtoResponse> get(String operation, String path, Map<String, String> query) {
        return send(operation, HttpMethod.GET, path, query, null, null, true);
    }

    @Override
    public Future<LogtoResponse> write(
            String operation,
            HttpMethod method,
            String path,
            Map<String, String> query,
            JsonObject body,
            String idempotencyKey) {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            throw new IllegalArgumentException("every Logto write needs an idempotency key");
        }
        return send(operation, method, path, query, body, idempotencyKey, true);
    }

    private Future<LogtoResponse> send(
            String operation,
            HttpMethod method,
            String path,
            Map<String, String> query,
            JsonObject body,
            String idempotencyKey,
            boolean mayRefresh) {
        return wiring.limiter().acquire(deadline).compose(permit -> {
            long wait = wiring.rateLimiter().reserveDelayMillis();
            if (wait > 0) {
                return wiring.vertx()
                        .timer(wait)
                        .compose(
                                t -> sendNow(permit, operation, method, path, query, body, idempotencyKey, mayRefresh));
            }
            return sendNow(permit, operation, method, path, query, body, idempotencyKey, mayRefresh);
        });
    }

    /** Sends with {@code permit} held and gives it back exactly once, whatever happens. */
    private Future<LogtoResponse> sendNow(
            CallLimiter.Permit permit,
            String operation,
            HttpMethod method,
            String path,
            Map<String, String> query,
            JsonObject body,
            String idempotencyKey,
            boolean mayRefresh) {
        TokenProvider tokens = wiring.tokens();
        Future<TokenProvider.AccessToken> token = tokens.token();
        return token.compose(t -> gate.enter().map(entered -> t)).transform(tar -> {
            if (tar.failed()) {
                permit.release(-1, CallLimiter.Signal.IGNORED);
                return Future.failedFuture(tar.cause());
            }
            long started;
            Future<HttpResponse<Buffer>> sent;
            try {
                HttpRequest<Buffer> request = wiring.client()
                        .requestAbs(method, wiring.baseUrl() + path)
                        .timeout(wiring.timeout().millis())
                        .bearerTokenAuthentication(tar.result().value());
                if (query != null) {
                    query.forEach(request::addQueryParam);
                }
                if (idempotencyKey != null) {
                    request.putHeader(IDEMPOTENCY_KEY_HEADER, idempotencyKey);
                }
                if (traceparent != null) {
                    request.putHeader("traceparent", traceparent);
                }
                started = System.nanoTime();
                sent = body == null ? request.send() : request.sendJsonObject(body);
            } catch (RuntimeException e) {
                gate.exit();
                permit.release(-1, CallLimiter.Signal.IGNORED);
                return Future.failedFuture(e);
            }
            return sent.<LogtoResponse>transform(ar -> {
                gate.exit();
                long nanos = System.nanoTime() - started;
                int status = ar.succeeded() ? ar.result().statusCode() : 0;
                wiring.observer().observe(operation, status, nanos);
                permit.release(started, signal(ar.succeeded() ? null : ar.cause(), status));
                if (ar.failed()) {
                    // Without an answer a write may or may not have been applied: say so, so that the retry is
                    // settled by the operation's natural idempotency.
                    return Future.failedFuture(
                            new LogtoTransportException(operation, ar.cause(), idempotencyKey != null));
                }
                wiring.timeout().answered(nanos);
                HttpResponse<Buffer> response = ar.result();
                if (response.statusCode() == 401 && mayRefresh) {
                    tokens.invalidate(tar.result());
                    return send(operation, method, path, query, body, idempotencyKey, false);
                }
                return Future.succeededFuture(new LogtoResponse(
                        response.statusCode(),
                        response.body(),
                        response.getHeader("Retry-After"),
                        response.getHeader("Total-Number")));
            });
        });
    }

    /**
     * What a finished call tells the limit: 429, 5xx and timeouts mean Logto could not keep up; a refused or
     * reset connection says nothing about its load (the breaker deals with outages); a 401 is about the token.
     */
    static CallLimiter.Signal signal(Throwable failure, int status) {
        if (failure != null) {
            return failure instanceof TimeoutException ? CallLimiter.Signal.OVERLOADED : CallLimiter.Signal.IGNORED;
        }
        if (status == 429 || status >= 500) {
            return CallLimiter.Signal.OVERLOADED;
        }
        return status == 401 ? CallLimiter.Signal.IGNORED : CallLimiter.Signal.ANSWERED;
    }
}
