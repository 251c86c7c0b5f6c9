package dev.logtocp.simulator;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * First handler of every simulated request: counts it and injects the faults the {@link FaultPlan} draws.
 * Delays use a Vert.x timer so the event loop is never blocked. Runs on the simulator's event loop only.
 */
final class FaultHandler implements Handler<RoutingContext> {

    private final Vertx vertx;
    private final FaultPlan plan;
    private final Store store;

    FaultHandler(Vertx vertx, FaultPlan plan, Store store) {
        this.vertx = vertx;
        this.plan = plan;
        this.store = store;
    }

    @Override
    public void handle(RoutingContext ctx) {
        store.countRequest();
        FaultPlan.Decision decision =
                plan.decide(ctx.request().method().name(), ctx.request().path());
        if (decision.delayMillis() > 0) {
            vertx.setTimer(decision.delayMillis(), id -> apply(ctx, decision.outcome()));
        } else {
            apply(ctx, decision.outcome());
        }
    }

    private void apply(RoutingContext ctx, FaultRule outcome) {
        if (outcome == null) {
            ctx.next();
            return;
        }
        switch (outcome.kind()) {
            case ERROR_500 -> Http.send(ctx, Reply.of(500, new JsonObject().put("message", "Internal server error.")));
            case ERROR_503 -> Http.send(ctx, Reply.of(503, new JsonObject().put("message", "Service unavailable.")));
            case TOO_MANY_REQUESTS ->
                Http.send(
                        ctx,
                        new Reply(
                                429,
                                new JsonObject().put("message", "Too many requests."),
                                Map.of("Retry-After", Integer.toString(outcome.retryAfterSeconds()))));
            case CONNECTION_RESET -> ctx.request().connection().close();
            case AMBIGUOUS_TIMEOUT -> {
                // The change is applied as usual; only the answer is withheld, so the client cannot know it happened.
                ctx.put(Http.HOLD_RESPONSE, true);
                ctx.next();
            }
            default -> ctx.next();
        }
    }
}
