package dev.logtocp.simulator;

import static dev.logtocp.simulator.Http.body;
import static dev.logtocp.simulator.Http.idempotencyKey;
import static dev.logtocp.simulator.Http.route;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * {@code PATCH /api/users/{userId}/password/expiration}, whose answer depends on the sign-in experience's password
 * expiration policy ({@link LogtoSimulator#setPasswordExpirationEnabled}). Event loop only.
 */
final class PasswordExpirationRoutes {

    private final Store store;

    PasswordExpirationRoutes(Store store) {
        this.store = store;
    }

    void mount(Router router) {
        router.patch("/api/users/:userId/password/expiration").handler(route(ctx -> {
            JsonObject body = body(ctx);
            new Guard(body).bool("isExpired", true).check();
            return Reply.ok(store.setPasswordExpired(
                    ctx.pathParam("userId"), body.getBoolean("isExpired"), idempotencyKey(ctx)));
        }));
    }
}
