package dev.logtocp.simulator;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request decoding and response writing shared by all routes. Stateless; call only on the simulator's event loop.
 *
 * <p>Every answer goes through {@link #send}, which is what lets the ambiguous-timeout fault apply a request and
 * then swallow its answer.
 */
final class Http {

    /** Routing-context key set by the fault handler: the request is applied but its response is never written. */
    static final String HOLD_RESPONSE = "sim.holdResponse";
    /** Routing-context key of a {@link Runnable} to run before any answer (or withheld answer): the state flush. */
    static final String BEFORE_ANSWER = "sim.beforeAnswer";

    private static final Logger LOGGER = LoggerFactory.getLogger(Http.class);

    /** A route body that may throw {@link ApiError}. */
    @FunctionalInterface
    interface Route {
        Reply handle(RoutingContext ctx);
    }

    private Http() {}

    /** Wraps a route so that refusals become Logto-shaped error answers and bugs become a bare 500. */
    static Handler<RoutingContext> route(Route route) {
        return ctx -> {
            Reply reply;
            try {
                reply = route.handle(ctx);
            } catch (ApiError e) {
                reply = Reply.of(e.status, e.body);
            } catch (RuntimeException e) {
                // Log the failure kind and path only: bodies may contain passwords.
                LOGGER.atWarn()
                        .addKeyValue("method", ctx.request().method())
                        .addKeyValue("path", ctx.request().path())
                        .addKeyValue("error", e.toString())
                        .log("simulator route failed");
                reply = Reply.of(500, new JsonObject().put("message", "Internal server error."));
            }
            send(ctx, reply);
        };
    }

    static void send(RoutingContext ctx, Reply reply) {
        Runnable beforeAnswer = ctx.get(BEFORE_ANSWER);
        if (beforeAnswer != null) {
            beforeAnswer.run();
        }
        if (Boolean.TRUE.equals(ctx.get(HOLD_RESPONSE))
                || ctx.response().ended()
                || ctx.response().closed()) {
            return;
        }
        var response = ctx.response().setStatusCode(reply.status());
        for (Map.Entry<String, String> header : reply.headers().entrySet()) {
            response.putHeader(header.getKey(), header.getValue());
        }
        Object body = reply.body();
        if (body == null) {
            response.end();
        } else if (body instanceof String text) {
            response.putHeader("Content-Type", "text/plain; charset=utf-8").end(text);
        } else {
            Buffer buffer = body instanceof JsonObject o ? o.toBuffer() : ((JsonArray) body).toBuffer();
            response.putHeader("Content-Type", "application/json; charset=utf-8")
                    .end(buffer);
        }
    }

    static String idempotencyKey(RoutingContext ctx) {
        return ctx.request().getHeader("Idempotency-Key");
    }

    /**
     * The request body as a JSON object. An empty body counts as {@code {}} (as Logto's body parser does);
     * malformed JSON is a 400 without {@code code}; anything but an object is a guard error.
     */
    static JsonObject body(RoutingContext ctx) {
        Buffer buffer = ctx.body().buffer();
        if (buffer == null || buffer.length() == 0) {
            return new JsonObject();
        }
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType != null && !contentType.toLowerCase().contains("json")) {
            throw Guard.notAnObject(buffer.toString());
        }
        Object value;
        try {
            value = Json.decodeValue(buffer);
        } catch (DecodeException e) {
            throw ApiError.bare(400, "Malformed JSON in request body.");
        }
        if (value instanceof JsonObject object) {
            return object;
        }
        throw Guard.notAnObject(value);
    }

    static List<String> strings(JsonArray array) {
        List<String> out = new ArrayList<>(array.size());
        for (Object item : array) {
            out.add((String) item);
        }
        return out;
    }

    /** Logto's paging parameters; page is 1-based, page_size defaults to 20 and may not exceed 100. */
    record Paging(int page, int pageSize) {
        static Paging of(RoutingContext ctx) {
            try {
                int page = Integer.parseInt(ctx.request().getParam("page", "1"));
                int size = Integer.parseInt(ctx.request().getParam("page_size", "20"));
                if (page < 1 || size < 1 || size > 100) {
                    throw invalid();
                }
                return new Paging(page, size);
            } catch (NumberFormatException e) {
                throw invalid();
            }
        }

        private static ApiError invalid() {
            return ApiError.of(400, "guard.invalid_pagination", "The request pagination value is invalid.");
        }
    }
}
