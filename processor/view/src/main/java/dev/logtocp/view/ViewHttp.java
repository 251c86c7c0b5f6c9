package dev.logtocp.view;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The view's HTTP API. Every instance answers every query: a key this instance owns is read from its stores, any
 * other key is forwarded once to its owner (marked with {@value #FORWARDED}, so a request is never forwarded twice)
 * and the owner's answer relayed as it is. Answers name the instance that read its store in {@value #ANSWERED_BY}.
 *
 * <ul>
 *   <li>{@code GET /commands/{issuer}/{idempotencyKey}}: {@link CommandStatus}, or 404</li>
 *   <li>{@code GET /users/{ref}/history?by=key|userId&order=asc|desc&cursor=N&limit=N}: {@link HistoryPage}, or 404</li>
 *   <li>{@code GET /health/live}, {@code GET /health/ready} (ready: the streams application is running)</li>
 * </ul>
 * Errors are {@code {"error": code, "message": text}} with 400 {@code bad_request}, 404 {@code not_found} or 503
 * {@code unavailable} (starting, rebalancing, owner unreachable: retry). Handlers run on the Vert.x event loop; they
 * read local stores and forward without blocking.
 */
final class ViewHttp {
    private static final Logger LOGGER = LoggerFactory.getLogger(ViewHttp.class);
    static final String FORWARDED = "X-View-Forwarded";
    static final String ANSWERED_BY = "X-View-Answered-By";
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;

    private final HttpServer server;
    private final WebClient forwarder;

    private ViewHttp(HttpServer server, WebClient forwarder) {
        this.server = server;
        this.forwarder = forwarder;
    }

    /** Binds the server; the queries are attached later (the streams application needs the bound port first). */
    static ViewHttp bind(
            Vertx vertx, String host, int port, Duration forwardTimeout, QueriesRef queries, BooleanSupplier ready) {
        WebClient forwarder = WebClient.create(
                vertx,
                new WebClientOptions()
                        .setKeepAlive(true)
                        .setConnectTimeout((int) forwardTimeout.toMillis())
                        .setUserAgent("logto-command-view"));
        Router router = Router.router(vertx);
        router.get("/health/live")
                .handler(ctx ->
                        json(ctx, 200, new JsonObject().put("status", "UP").encode()));
        router.get("/health/ready")
                .handler(ctx -> json(
                        ctx,
                        ready.getAsBoolean() ? 200 : 503,
                        new JsonObject()
                                .put("status", ready.getAsBoolean() ? "UP" : "DOWN")
                                .encode()));
        router.get("/commands/:issuer/:key")
                .handler(ctx -> answer(
                        ctx,
                        queries,
                        forwarder,
                        forwardTimeout,
                        q -> q.status(ctx.pathParam("issuer"), ctx.pathParam("key"), localOnly(ctx)),
                        "no outcome for this issuer and idempotency key"));
        router.get("/users/:ref/history").handler(ctx -> {
            ViewQueries.PageRequest request;
            try {
                request = pageRequest(ctx);
            } catch (IllegalArgumentException e) {
                error(ctx, 400, "bad_request", e.getMessage());
                return;
            }
            answer(
                    ctx,
                    queries,
                    forwarder,
                    forwardTimeout,
                    q -> q.history(request, localOnly(ctx)),
                    "no history for this user");
        });
        HttpServer server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(port, host)
                .toCompletionStage()
                .toCompletableFuture()
                .join();
        return new ViewHttp(server, forwarder);
    }

    /** The queries, set once the streams application exists. */
    static final class QueriesRef {
        private volatile ViewQueries queries;

        void set(ViewQueries q) {
            this.queries = q;
        }

        ViewQueries get() {
            return queries;
        }
    }

    int port() {
        return server.actualPort();
    }

    void close() {
        forwarder.close();
        server.close()
                .toCompletionStage()
                .toCompletableFuture()
                .orTimeout(5, TimeUnit.SECONDS)
                .exceptionally(e -> null)
                .join();
    }

    private static boolean localOnly(RoutingContext ctx) {
        return "true".equals(ctx.request().getParam("local"));
    }

    static ViewQueries.PageRequest pageRequest(RoutingContext ctx) {
        String by = param(ctx, "by", HistoryKeys.BY_KEY);
        if (!by.equals(HistoryKeys.BY_KEY) && !by.equals(HistoryKeys.BY_USER_ID)) {
            throw new IllegalArgumentException("by must be key or userId");
        }
        String order = param(ctx, "order", "asc");
        if (!order.equals("asc") && !order.equals("desc")) {
            throw new IllegalArgumentException("order must be asc or desc");
        }
        long cursor = number(param(ctx, "cursor", "0"), "cursor", 0, Long.MAX_VALUE);
        int limit = (int) number(param(ctx, "limit", Integer.toString(DEFAULT_LIMIT)), "limit", 1, MAX_LIMIT);
        return new ViewQueries.PageRequest(by, ctx.pathParam("ref"), order.equals("desc"), cursor, limit);
    }

    private static String param(RoutingContext ctx, String name, String fallback) {
        String value = ctx.request().getParam(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static long number(String text, String name, long min, long max) {
        try {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be an integer in [" + min + ", " + max + "]");
    }

    private static <T> void answer(
            RoutingContext ctx,
            QueriesRef ref,
            WebClient forwarder,
            Duration timeout,
            Function<ViewQueries, ViewQueries.Answer<T>> query,
            String notFound) {
        ViewQueries queries = ref.get();
        if (queries == null) {
            error(ctx, 503, "unavailable", "the view is starting");
            return;
        }
        ViewQueries.Answer<T> answer;
        try {
            answer = query.apply(queries);
        } catch (RuntimeException e) {
            LOGGER.atWarn().setCause(e).log("query failed");
            error(ctx, 503, "unavailable", "the view could not read its store; retry");
            return;
        }
        switch (answer) {
            case ViewQueries.Here<T> here -> {
                ctx.response().putHeader(ANSWERED_BY, hostText(queries.self()));
                if (here.value() == null) {
                    error(ctx, 404, "not_found", notFound);
                } else {
                    json(ctx, 200, Json.text(here.value()));
                }
            }
            case ViewQueries.Elsewhere<T> elsewhere -> {
                if (ctx.request().getHeader(FORWARDED) != null) {
                    // Ownership moved between the two instances' metadata: let the caller retry rather than loop.
                    error(ctx, 503, "unavailable", "the key is moving between instances; retry");
                    return;
                }
                forward(ctx, forwarder, timeout, elsewhere.owner());
            }
            case ViewQueries.Unavailable<T> unavailable -> error(ctx, 503, "unavailable", unavailable.reason());
        }
    }

    private static void forward(RoutingContext ctx, WebClient forwarder, Duration timeout, HostInfo owner) {
        forwarder
                .get(owner.port(), owner.host(), ctx.request().uri())
                .putHeader(FORWARDED, "1")
                .timeout(timeout.toMillis())
                .send()
                .onSuccess(reply -> {
                    String answeredBy = reply.getHeader(ANSWERED_BY);
                    if (answeredBy != null) {
                        ctx.response().putHeader(ANSWERED_BY, answeredBy);
                    }
                    String body = reply.bodyAsString();
                    json(ctx, reply.statusCode(), body == null ? "" : body);
                })
                .onFailure(e -> error(
                        ctx,
                        503,
                        "unavailable",
                        "the instance owning this key (" + hostText(owner) + ") did not answer: "
                                + e.getClass().getSimpleName()));
    }

    private static String hostText(HostInfo host) {
        return host.host() + ":" + host.port();
    }

    private static void json(RoutingContext ctx, int status, String body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body);
    }

    private static void error(RoutingContext ctx, int status, String code, String message) {
        if (status == 503) {
            ctx.response().putHeader("Retry-After", "1");
        }
        json(
                ctx,
                status,
                new JsonObject().put("error", code).put("message", message).encode());
    }
}
