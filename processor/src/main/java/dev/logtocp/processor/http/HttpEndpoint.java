package dev.logtocp.processor.http;

import dev.logtocp.internal.LedgerEntry;
import dev.logtocp.processor.config.HttpSettings;
import dev.logtocp.processor.console.OperatorConsole;
import dev.logtocp.processor.idempotency.IdempotencyLedger;
import dev.logtocp.processor.metrics.ProcessorMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The processor's operational HTTP surface: liveness, readiness, Prometheus metrics and command status.
 *
 * <ul>
 *   <li>{@code GET /health/live}: 200 while the consumer loop runs.</li>
 *   <li>{@code GET /health/ready}: 200 once partitions are assigned and their ledger is restored.</li>
 *   <li>{@code GET /metrics}: Prometheus text format.</li>
 *   <li>{@code GET /commands/{issuer}/{idempotencyKey}}: the recorded decision, from this instance's ledger.</li>
 *   <li>{@code /console/}: the operator console ({@link OperatorConsole}).</li>
 * </ul>
 * Handlers run on the event loop and only read local state (the ledger store is a local RocksDB lookup).
 */
public final class HttpEndpoint {
    private final HttpServer server;

    private HttpEndpoint(HttpServer server) {
        this.server = server;
    }

    public static HttpEndpoint start(
            Vertx vertx,
            HttpSettings settings,
            ProcessorMetrics metrics,
            IdempotencyLedger ledger,
            BooleanSupplier live,
            BooleanSupplier ready,
            OperatorConsole console) {
        Router router = Router.router(vertx);
        router.get("/health/live").handler(ctx -> health(ctx, live.getAsBoolean()));
        router.get("/health/ready").handler(ctx -> health(ctx, ready.getAsBoolean()));
        router.get("/metrics")
                .handler(ctx -> ctx.response()
                        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                        .end(metrics.scrape()));
        router.get("/commands/:issuer/:key").handler(ctx -> status(ctx, ledger));
        if (console != null) {
            console.mount(router);
        }
        HttpServer server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(settings.port(), settings.host())
                .toCompletionStage()
                .toCompletableFuture()
                .join();
        return new HttpEndpoint(server);
    }

    public int port() {
        return server.actualPort();
    }

    public void close() {
        server.close();
    }

    private static void health(RoutingContext ctx, boolean up) {
        ctx.response()
                .setStatusCode(up ? 200 : 503)
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("status", up ? "UP" : "DOWN").encode());
    }

    private static void status(RoutingContext ctx, IdempotencyLedger ledger) {
        Optional<LedgerEntry> entry = ledger.find(ctx.pathParam("issuer"), ctx.pathParam("key"));
        if (entry.isEmpty()) {
            ctx.response()
                    .setStatusCode(404)
                    .putHeader("Content-Type", "application/json")
                    .end(new JsonObject()
                            .put("state", "unknown")
                            .put("message", "no decision recorded on the partitions this instance owns")
                            .encode());
            return;
        }
        LedgerEntry e = entry.get();
        ctx.response()
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject()
                        .put("state", "decided")
                        .put("status", e.getStatus().name())
                        .put("commandType", e.getCommandType())
                        .put("commandId", e.getCommandId())
                        .put("userId", e.getUserId())
                        .put("errorCode", e.getErrorCode())
                        .put("httpStatus", e.getHttpStatus())
                        .put("decidedAt", e.getDecidedAt().toString())
                        .encode());
    }
}
