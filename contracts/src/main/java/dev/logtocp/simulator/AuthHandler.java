package dev.logtocp.simulator;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Guards {@code /api/*} with Logto's bearer-token checks, in Logto's order. Runs on the event loop only. */
final class AuthHandler implements Handler<RoutingContext> {

    private final TokenRegistry tokens;

    AuthHandler(TokenRegistry tokens) {
        this.tokens = tokens;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String authorization = ctx.request().getHeader("Authorization");
        ApiError refusal = null;
        if (authorization == null || authorization.isEmpty()) {
            refusal = ApiError.of(401, "auth.authorization_header_missing", "Authorization header is missing.");
        } else if (!authorization.startsWith("Bearer")) {
            refusal = ApiError.withData(
                    401,
                    "auth.authorization_token_type_not_supported",
                    "Authorization type is not supported.",
                    new JsonObject().put("supportedTypes", new JsonArray().add("Bearer")));
        } else {
            TokenRegistry.Check check =
                    tokens.check(authorization.substring("Bearer".length()).trim());
            if (check == TokenRegistry.Check.UNKNOWN_OR_EXPIRED) {
                refusal = ApiError.of(401, "auth.unauthorized", "Unauthorized: the token is unknown or expired.");
            } else if (check == TokenRegistry.Check.NO_SCOPE) {
                refusal = ApiError.of(403, "auth.forbidden", "Forbidden: the token lacks the `all` scope.");
            }
        }
        if (refusal == null) {
            ctx.next();
        } else {
            Http.send(ctx, Reply.of(refusal.status, refusal.body));
        }
    }
}
