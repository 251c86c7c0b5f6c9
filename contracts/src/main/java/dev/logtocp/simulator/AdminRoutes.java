package dev.logtocp.simulator;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.function.Consumer;

/**
 * {@code /__admin/*}: fault configuration, the capacity model and counters for runs where the simulator is a
 * separate process. Never subject to faults, capacity or authentication. Event loop only.
 */
final class AdminRoutes {

    private final FaultPlan faults;
    private final Store store;
    private final CapacityHandler capacity;

    AdminRoutes(FaultPlan faults, Store store, CapacityHandler capacity) {
        this.faults = faults;
        this.store = store;
        this.capacity = capacity;
    }

    void mount(Router router) {
        router.get("/__admin/faults").handler(ctx -> Http.send(ctx, Reply.ok(faults.toJson())));
        router.put("/__admin/faults").handler(ctx -> withJson(ctx, json -> faults.applyJson(json)));
        router.post("/__admin/faults").handler(ctx -> withJson(ctx, json -> faults.add(FaultRule.fromJson(json))));
        router.delete("/__admin/faults").handler(ctx -> {
            faults.clear();
            Http.send(ctx, Reply.noContent());
        });
        router.get("/__admin/stats")
                .handler(ctx -> Http.send(
                        ctx,
                        Reply.ok(new JsonObject()
                                .put("requests", store.requestCount())
                                .put("users", store.userCount())
                                .put("mutations", store.mutations().size())
                                .put("operations", new JsonObject(new HashMap<>(store.countsByOperation())))
                                .put("faultsInjected", new JsonObject(new HashMap<>(faults.injectedCounts())))
                                .put("capacity", capacity.stats()))));
        router.get("/__admin/capacity").handler(ctx -> Http.send(ctx, Reply.ok(capacity.stats())));
        router.put("/__admin/capacity").handler(ctx -> {
            try {
                capacity.apply(CapacityModel.fromJson(
                        ctx.body().asJsonObject(), capacity.model().orElse(null)));
                Http.send(ctx, Reply.ok(capacity.stats()));
            } catch (DecodeException | IllegalArgumentException | ClassCastException | NullPointerException e) {
                Http.send(
                        ctx,
                        Reply.of(400, new JsonObject().put("message", "Invalid capacity model: " + e.getMessage())));
            }
        });
        router.delete("/__admin/capacity").handler(ctx -> {
            capacity.apply(null);
            Http.send(ctx, Reply.noContent());
        });
        // Per user, every change applied, in order, with the Idempotency-Key that caused it: what a chaos run judges
        // the order of a user's changes by, from Logto's side.
        router.get("/__admin/users/:userId/mutations").handler(ctx -> {
            JsonArray log = new JsonArray();
            for (Mutation m : store.mutationsForUser(ctx.pathParam("userId"))) {
                log.add(new JsonObject()
                        .put("sequence", m.sequence())
                        .put("operation", m.operation())
                        .put("idempotencyKey", m.idempotencyKey())
                        .put("at", m.at().toString()));
            }
            Http.send(ctx, Reply.ok(new JsonObject().put("mutations", log)));
        });
        router.post("/__admin/reset").handler(ctx -> {
            store.reset();
            Http.send(ctx, Reply.noContent());
        });
    }

    private void withJson(RoutingContext ctx, Consumer<JsonObject> action) {
        try {
            action.accept(ctx.body().asJsonObject());
            Http.send(ctx, Reply.ok(faults.toJson()));
        } catch (DecodeException | IllegalArgumentException | ClassCastException | NullPointerException e) {
            Http.send(
                    ctx,
                    Reply.of(400, new JsonObject().put("message", "Invalid fault configuration: " + e.getMessage())));
        }
    }
}
