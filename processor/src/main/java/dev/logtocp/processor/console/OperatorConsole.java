package dev.logtocp.processor.console;

import dev.logtocp.processor.config.ProcessorConfig;
import dev.logtocp.processor.deadletter.DeadLetterException;
import dev.logtocp.processor.deadletter.RedriveMarkers;
import dev.logtocp.processor.logto.CircuitBreaker;
import dev.logtocp.schema.registry.HttpSchemaRegistryClient;
import dev.logtocp.schema.registry.SchemaRegistryClient;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator console: a plain HTML and JavaScript page at {@code /console/} and the JSON and server-sent-event
 * API it uses under {@code /console/api/}. Reading is open to whoever reaches the port (like {@code /metrics});
 * every action (redrive) needs the operator token {@code HTTP_ADMIN_TOKEN} as {@code Authorization: Bearer} and
 * is refused without it, and without a configured token the console is read-only.
 *
 * <p>Route handlers run on the HTTP server's event loop and never block: reads of Kafka and the registry run on a
 * small worker pool, redrives on a single worker thread (one at a time per instance), and the live outcome view
 * is fed by {@link OutcomeFeed}'s own thread.
 */
public final class OperatorConsole implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(OperatorConsole.class);
    private static final int MAX_VIEWERS = 32;
    private static final Map<String, String> ASSETS = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8");
    /** Everything the page loads comes from here; inline script and style are refused by the browser. */
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** The engine state the console shows; every supplier is cheap and thread-safe. */
    public record EngineView(
            CircuitBreaker breaker, IntSupplier unfinished, BooleanSupplier live, BooleanSupplier ready) {}

    private final Vertx vertx;
    private final ProcessorConfig config;
    private final EngineView engine;
    private final AdminToken token;
    private final ConsoleDeadLetters deadLetters;
    private final OutcomeFeed feed;
    private final SchemaRegistryClient registry;
    private final WorkerExecutor reads;
    private final WorkerExecutor actions;
    private final Map<String, byte[]> assets = new HashMap<>();
    private final WebClient views;
    private final AtomicInteger viewers = new AtomicInteger();

    public OperatorConsole(
            Vertx vertx,
            ProcessorConfig config,
            EngineView engine,
            Supplier<Deserializer<Object>> outcomeValues,
            Map<String, Object> serdeProperties) {
        this.vertx = vertx;
        this.config = config;
        this.engine = engine;
        this.token = new AdminToken(config.http().adminToken());
        Map<String, Object> client = new HashMap<>(config.kafka().clientOverrides());
        client.put("bootstrap.servers", config.kafka().bootstrapServers());
        // The console's readers are group-less and its redrives have their own transactional id; client ids are left
        // to Kafka so that two readers at once do not clash.
        client.remove("group.id");
        client.remove("group.instance.id");
        client.remove("client.id");
        this.registry = HttpSchemaRegistryClient.fromProperties(serdeProperties);
        this.deadLetters = new ConsoleDeadLetters(
                client,
                config.kafka().deadLetterTopic(),
                RedriveMarkers.defaultTopic(config.kafka().deadLetterTopic()),
                registry,
                config.kafka().instanceId());
        this.feed = new OutcomeFeed(client, config.kafka().outcomeTopic(), outcomeValues);
        this.reads = vertx.createSharedWorkerExecutor("console-reads", 2);
        this.actions = vertx.createSharedWorkerExecutor("console-actions", 1);
        this.views = WebClient.create(
                vertx,
                new WebClientOptions()
                        .setUserAgent("logto-command-processor-console")
                        .setConnectTimeout(5_000));
        for (String name : ASSETS.keySet()) {
            assets.put(name, resource("console/" + name));
        }
    }

    /** Adds the console's routes to the processor's router. */
    public void mount(Router router) {
        router.get("/").handler(ctx -> ctx.redirect("/console/"));
        // Vert.x matches "/console" and "/console/" alike; the page's relative URLs need the slash.
        router.get("/console/").handler(ctx -> {
            if (ctx.request().path().endsWith("/")) {
                asset(ctx, "index.html");
            } else {
                ctx.redirect("/console/");
            }
        });
        router.get("/console/:asset").handler(ctx -> asset(ctx, ctx.pathParam("asset")));
        router.get("/console/api/state").handler(this::state);
        router.get("/console/api/dead-letters").handler(this::listDeadLetters);
        router.get("/console/api/dead-letters/:partition/:offset").handler(this::deadLetter);
        router.get("/console/api/outcomes").handler(this::outcomes);
        router.get("/console/api/history/:ref").handler(this::history);
        router.post("/console/api/redrive/*").handler(BodyHandler.create().setBodyLimit(64 * 1024));
        router.post("/console/api/redrive/plan")
                .handler(ctx ->
                        action(ctx, "redrive plan", body -> deadLetters.plan(ConsoleDeadLetters.Selection.of(body))));
        router.post("/console/api/redrive/confirm")
                .handler(ctx -> action(ctx, "redrive", body -> {
                    String confirm = body.getString("planId");
                    if (confirm == null || confirm.isBlank()) {
                        throw new IllegalArgumentException("confirm a plan: send the planId the plan answered");
                    }
                    return deadLetters.redrive(ConsoleDeadLetters.Selection.of(body), confirm);
                }));
    }

    private void asset(RoutingContext ctx, String name) {
        byte[] body = assets.get(name);
        if (body == null) {
            ctx.next();
            return;
        }
        secure(ctx.response()).putHeader("Content-Type", ASSETS.get(name)).end(Buffer.buffer(body));
    }

    private void state(RoutingContext ctx) {
        CircuitBreaker breaker = engine.breaker();
        var kafka = config.kafka();
        var logto = config.logto();
        var e = config.engine();
        int unfinished = engine.unfinished().getAsInt();
        JsonObject state = new JsonObject()
                .put("instanceId", kafka.instanceId())
                .put("groupId", kafka.groupId())
                .put("live", engine.live().getAsBoolean())
                .put("ready", engine.ready().getAsBoolean())
                .put("actionsEnabled", token.configured())
                .put(
                        "topics",
                        new JsonObject()
                                .put("commands", String.join(",", kafka.commandTopics()))
                                .put("outcomes", kafka.outcomeTopic())
                                .put("deadLetters", kafka.deadLetterTopic())
                                .put("redriveMarkers", deadLetters.markerTopic()))
                .put(
                        "breaker",
                        new JsonObject()
                                .put("state", breaker.state().name())
                                .put("opens", breaker.opens())
                                .put("retryInMs", breaker.retryIn().toMillis())
                                .put("failureThreshold", logto.breakerThreshold())
                                .put("openMs", logto.breakerOpen().toMillis())
                                .put("maxOpenMs", logto.breakerMaxOpen().toMillis()))
                .put(
                        "concurrency",
                        new JsonObject()
                                .put("maxInFlight", e.maxInFlight())
                                .put("unfinished", unfinished)
                                .put("maxBufferedRecords", e.maxBufferedRecords())
                                .put("backpressure", unfinished > e.maxBufferedRecords())
                                .put("executionThreads", e.executionThreads())
                                .put("rateLimitRps", logto.rateLimitPerSecond())
                                .put("maxConnections", logto.maxConnections()))
                .put("outcomes", feed.counts());
        json(ctx, 200, state);
    }

    private void listDeadLetters(RoutingContext ctx) {
        String errorClass = ctx.queryParams().get("errorClass");
        int limit = boundedInt(ctx.queryParams().get("limit"), 50, 1, 500);
        blocking(
                ctx,
                reads,
                () -> deadLetters.list(errorClass == null || errorClass.isBlank() ? null : errorClass, limit));
    }

    private void deadLetter(RoutingContext ctx) {
        int partition;
        long offset;
        try {
            partition = Integer.parseInt(ctx.pathParam("partition"));
            offset = Long.parseLong(ctx.pathParam("offset"));
        } catch (NumberFormatException e) {
            partition = -1;
            offset = -1;
        }
        if (partition < 0 || offset < 0) {
            json(ctx, 400, new JsonObject().put("error", "a dead letter is /dead-letters/PARTITION/OFFSET"));
            return;
        }
        int p = partition;
        long at = offset;
        blocking(
                ctx,
                reads,
                () -> deadLetters.detail(p, at).orElseThrow(() -> new NotFound("no dead letter at " + p + ":" + at)));
    }

    /**
     * A user's history from the status and history view service ({@code HISTORY_VIEW_URL}), passed through: the
     * view runs as its own service, and the page may only talk to this origin.
     */
    private void history(RoutingContext ctx) {
        if (config.http().historyView().isEmpty()) {
            json(
                    ctx,
                    404,
                    new JsonObject()
                            .put("code", "no_history_view")
                            .put("error", "no history view is configured for this console (HISTORY_VIEW_URL)"));
            return;
        }
        StringBuilder uri = new StringBuilder(
                        config.http().historyView().get().toString().replaceAll("/+$", ""))
                .append("/users/")
                .append(URLEncoder.encode(ctx.pathParam("ref"), StandardCharsets.UTF_8)
                        .replace("+", "%20"))
                .append("/history");
        char sep = '?';
        for (String name : List.of("by", "order", "cursor", "limit")) {
            String value = ctx.queryParams().get(name);
            if (value != null) {
                uri.append(sep).append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
                sep = '&';
            }
        }
        views.getAbs(uri.toString()).timeout(10_000).send().onComplete(result -> {
            if (result.failed()) {
                json(
                        ctx,
                        502,
                        new JsonObject()
                                .put(
                                        "error",
                                        "the history view did not answer ("
                                                + result.cause().getClass().getSimpleName() + ")"));
                return;
            }
            var answer = result.result();
            JsonObject body;
            try {
                body = answer.bodyAsJsonObject();
            } catch (RuntimeException e) {
                body = null;
            }
            if (body == null
                    || (answer.statusCode() != 200 && answer.statusCode() != 404 && answer.statusCode() != 400)) {
                json(ctx, 502, new JsonObject().put("error", "the history view answered HTTP " + answer.statusCode()));
                return;
            }
            json(ctx, answer.statusCode(), body);
        });
    }

    private void outcomes(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        if (viewers.incrementAndGet() > MAX_VIEWERS) {
            viewers.decrementAndGet();
            json(
                    ctx,
                    503,
                    new JsonObject().put("error", "too many live viewers on this instance (" + MAX_VIEWERS + ")"));
            return;
        }
        secure(response).setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8");
        Context context = vertx.getOrCreateContext();
        response.write("event: counts\ndata: " + feed.counts().encode() + "\n\n");
        Runnable unsubscribe = feed.subscribe(event -> context.runOnContext(v -> {
            // A viewer that cannot keep up loses events rather than growing this process's memory.
            if (!response.closed() && !response.writeQueueFull()) {
                response.write("event: outcome\ndata: " + event.encode() + "\n\n");
            }
        }));
        long ping = vertx.setPeriodic(15_000, id -> {
            if (!response.closed()) {
                response.write(": keep-alive\n\n");
            }
        });
        response.closeHandler(v -> {
            unsubscribe.run();
            vertx.cancelTimer(ping);
            viewers.decrementAndGet();
        });
    }

    private interface Action {
        JsonObject run(JsonObject body) throws Exception;
    }

    /** Checks the operator token before anything else, then runs the action on the single action worker. */
    private void action(RoutingContext ctx, String what, Action action) {
        AdminToken.Verdict verdict = token.check(ctx.request().getHeader("Authorization"));
        String from = ctx.request().remoteAddress() == null
                ? "?"
                : ctx.request().remoteAddress().hostAddress();
        switch (verdict) {
            case NOT_CONFIGURED -> {
                json(
                        ctx,
                        403,
                        new JsonObject()
                                .put("code", "actions_disabled")
                                .put("error", "this instance has no HTTP_ADMIN_TOKEN: the console is read-only"));
                return;
            }
            case MISSING -> {
                ctx.response().putHeader("WWW-Authenticate", "Bearer");
                json(
                        ctx,
                        401,
                        new JsonObject()
                                .put("code", "token_required")
                                .put("error", "this action needs the operator token (Authorization: Bearer ...)"));
                return;
            }
            case WRONG -> {
                LOGGER.atWarn()
                        .addKeyValue("action", what)
                        .addKeyValue("from", from)
                        .log("console action refused: wrong operator token");
                ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                json(
                        ctx,
                        401,
                        new JsonObject().put("code", "token_invalid").put("error", "the operator token is not right"));
                return;
            }
            case ALLOWED -> {}
        }
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            body = null;
        }
        if (body == null) {
            json(ctx, 400, new JsonObject().put("error", "the body must be a JSON object"));
            return;
        }
        JsonObject request = body;
        LOGGER.atInfo()
                .addKeyValue("action", what)
                .addKeyValue("from", from)
                .addKeyValue("errorClass", request.getString("errorClass"))
                .addKeyValue(
                        "positions",
                        request.getJsonArray("positions") == null
                                ? null
                                : request.getJsonArray("positions").size())
                .log("console action");
        blocking(ctx, actions, () -> action.run(request));
    }

    private static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message);
        }
    }

    private void blocking(RoutingContext ctx, WorkerExecutor worker, Callable<JsonObject> work) {
        worker.executeBlocking(work, false).onComplete(result -> {
            if (result.succeeded()) {
                json(ctx, 200, result.result());
                return;
            }
            Throwable e = result.cause();
            if (e instanceof NotFound) {
                json(ctx, 404, new JsonObject().put("error", e.getMessage()));
            } else if (e instanceof IllegalArgumentException) {
                json(ctx, 400, new JsonObject().put("error", e.getMessage()));
            } else if (e instanceof DeadLetterException) {
                json(ctx, 502, new JsonObject().put("error", e.getMessage()));
            } else {
                LOGGER.atWarn().addKeyValue("error", e.toString()).log("console request failed");
                json(ctx, 500, new JsonObject().put("error", "internal error; the processor log has the details"));
            }
        });
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        secure(ctx.response())
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body.encode());
    }

    private static HttpServerResponse secure(HttpServerResponse response) {
        return response.putHeader("Content-Security-Policy", CSP)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Cache-Control", "no-store");
    }

    private static int boundedInt(String text, int fallback, int min, int max) {
        if (text == null) {
            return fallback;
        }
        try {
            return Math.max(min, Math.min(max, Integer.parseInt(text)));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static byte[] resource(String path) {
        try (InputStream in = OperatorConsole.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("console asset " + path + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read console asset " + path, e);
        }
    }

    @Override
    public void close() {
        views.close();
        feed.close();
        reads.close();
        actions.close();
        registry.close();
    }
}
