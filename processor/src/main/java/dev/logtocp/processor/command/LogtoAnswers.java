package dev.logtocp.processor.command;

import dev.logtocp.processor.command.UserResolver.ResolvedUser;
import dev.logtocp.processor.logto.LogtoResponse;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Set;

/**
 * The decisions every user-scoped handler makes about a Logto answer it did not expect to be a success, kept in
 * one place so that all commands read statuses alike.
 */
final class LogtoAnswers {
    static final Map<String, String> ALREADY_APPLIED = Map.of("alreadyApplied", "true");
    /** Refusals that retrying cannot change. 401/403 stay with the engine: they are about our credentials. */
    private static final Set<Integer> REFUSALS = Set.of(400, 404, 409, 422);
    private static final String REDACTED = "Logto refused the request";
    /**
     * Logto's 404 when an insert under {@code /api/users/{id}/...} names a row that is not there. On these paths the
     * only such row is the user (roles, connectors and tokens are looked up by Logto before it inserts), e.g. a
     * personal access token created for a user deleted a moment before.
     */
    private static final String FOREIGN_KEY_NOT_FOUND = "entity.relation_foreign_key_not_found";

    private LogtoAnswers() {
    }

    /**
     * FAILED with Logto's code for a refusal; a 404 {@code entity.not_found} (or
     * {@code entity.relation_foreign_key_not_found}) on a path under the user means the user is not there and becomes
     * {@code user_not_found}. Any other status is a failed future carrying the
     * exception the engine retries or ends the command with.
     *
     * @param redact true for commands carrying secrets: Logto's message is replaced, because a connector's or a
     *               guard's message is not ours to trust not to repeat part of the request
     */
    static Future<HandlerResult> refusal(String userId, LogtoResponse response, String action, boolean redact) {
        if (!REFUSALS.contains(response.status())) {
            return Future.failedFuture(response.toException(action));
        }
        String code = response.errorCode().orElse("http_" + response.status());
        if (response.status() == 404 && (code.equals("entity.not_found") || code.equals(FOREIGN_KEY_NOT_FOUND))) {
            return Future.succeededFuture(userNotFound(userId));
        }
        String message = redact ? REDACTED : response.errorMessage().orElse(null);
        return Future.succeededFuture(HandlerResult.failed(userId, code, message, response.status()));
    }

    /**
     * DELETE of one item under a user, idempotently: 2xx is done now, 404 is "already gone" once the user is known
     * to exist (Logto answers 404 for a missing user too), any other refusal is FAILED with Logto's code.
     */
    static Future<HandlerResult> deleteItem(ExecutionContext ctx, ResolvedUser user, String itemPath, String action,
                                            Map<String, String> details) {
        return ctx.logto().write(action, io.vertx.core.http.HttpMethod.DELETE, user.path() + itemPath, null, null, ctx.idempotencyKey())
                .compose(response -> {
                    if (response.isSuccess()) {
                        return Future.succeededFuture(HandlerResult.succeeded(user.id(), details));
                    }
                    if (response.status() == 404) {
                        return goneUnlessUserMissing(user, ctx);
                    }
                    return refusal(user.id(), response, action, false);
                });
    }

    static Future<HandlerResult> goneUnlessUserMissing(ResolvedUser user, ExecutionContext ctx) {
        Future<Boolean> exists = user.verified() ? Future.succeededFuture(true) : ctx.users().exists(user.id());
        return exists.map(found -> found
                ? HandlerResult.succeeded(user.id(), ALREADY_APPLIED)
                : userNotFound(user.id()));
    }

    static HandlerResult userNotFound(String userId) {
        return HandlerResult.failed(userId, UserResolver.USER_NOT_FOUND, "no user with that id", 404);
    }
}
