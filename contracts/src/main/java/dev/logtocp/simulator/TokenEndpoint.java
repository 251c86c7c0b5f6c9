package dev.logtocp.simulator;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/**
 * {@code POST /oidc/token} for the client-credentials grant of the one configured machine-to-machine app.
 * Runs on the event loop only.
 */
final class TokenEndpoint implements Handler<RoutingContext> {

    private final SimulatorConfig config;
    private final TokenRegistry tokens;

    TokenEndpoint(SimulatorConfig config, TokenRegistry tokens) {
        this.config = config;
        this.tokens = tokens;
    }

    @Override
    public void handle(RoutingContext ctx) {
        MultiMap form = ctx.request().formAttributes();
        String clientId = form.get("client_id");
        String clientSecret = form.get("client_secret");
        String authorization = ctx.request().getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(
                        Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                decoded = "";
            }
            int colon = decoded.indexOf(':');
            if (colon >= 0) {
                // RFC 6749 2.3.1: both parts are form-encoded before being joined.
                clientId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
                clientSecret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            }
        }
        if (!config.appId().equals(clientId)
                || clientSecret == null
                || !MessageDigest.isEqual(
                        config.appSecret().getBytes(StandardCharsets.UTF_8),
                        clientSecret.getBytes(StandardCharsets.UTF_8))) {
            Http.send(
                    ctx,
                    oidcError(
                            401,
                            "invalid_client",
                            "An OIDC error occurred: oidc.invalid_client.",
                            "client authentication failed"));
            return;
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            Http.send(
                    ctx,
                    oidcError(
                            400,
                            "unsupported_grant_type",
                            "Unsupported grant type.",
                            "unsupported grant_type requested"));
            return;
        }
        if (!config.resource().equals(form.get("resource"))) {
            Http.send(
                    ctx,
                    oidcError(
                            400,
                            "invalid_target",
                            "Invalid resource indicator.",
                            "resource indicator is missing, or unknown"));
            return;
        }
        String scope = form.get("scope");
        boolean scopeAll =
                scope != null && Arrays.asList(scope.trim().split("\\s+")).contains("all");
        JsonObject body = new JsonObject()
                .put("access_token", tokens.issue(scopeAll))
                .put("expires_in", tokens.expiresInSeconds())
                .put("token_type", "Bearer");
        if (scopeAll) {
            body.put("scope", "all");
        }
        Http.send(ctx, Reply.ok(body));
    }

    private static Reply oidcError(int status, String error, String message, String description) {
        return Reply.of(
                status,
                new JsonObject()
                        .put("code", "oidc." + error)
                        .put("message", message)
                        .put("error", error)
                        .put("error_description", description));
    }
}
