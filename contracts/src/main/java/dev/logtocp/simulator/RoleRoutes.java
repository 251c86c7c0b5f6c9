package dev.logtocp.simulator;

import static dev.logtocp.simulator.Http.body;
import static dev.logtocp.simulator.Http.idempotencyKey;
import static dev.logtocp.simulator.Http.route;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;

/** The subset of {@code /api/roles} tests need to set up roles over HTTP. Event loop only. */
final class RoleRoutes {

    private final Store store;

    RoleRoutes(Store store) {
        this.store = store;
    }

    void mount(Router router) {
        router.post("/api/roles").handler(route(ctx -> {
            JsonObject body = body(ctx);
            new Guard(body)
                    .requiredString("name")
                    .requiredString("description")
                    .oneOf("type", List.of("User", "MachineToMachine"), false)
                    .bool("isDefault", false)
                    .check();
            // Logto answers 200 for a created role, as for a created user.
            return Reply.ok(store.createRole(
                    body.getString("name"),
                    body.getString("description"),
                    body.getString("type", "User"),
                    body.getBoolean("isDefault", false),
                    idempotencyKey(ctx),
                    true));
        }));
        router.get("/api/roles").handler(route(ctx -> {
            Http.Paging paging = Http.Paging.of(ctx);
            Store.Page page = store.listRoles(ctx.request().getParam("search"), paging.page(), paging.pageSize());
            return Reply.paged(page.items(), page.total());
        }));
        router.get("/api/roles/:roleId").handler(route(ctx -> Reply.ok(store.getRole(ctx.pathParam("roleId")))));
        router.delete("/api/roles/:roleId").handler(route(ctx -> {
            store.deleteRole(ctx.pathParam("roleId"), idempotencyKey(ctx));
            return Reply.noContent();
        }));
    }
}
