package dev.logtocp.processor.command;

import dev.logtocp.commands.RevokeGrantsTarget;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The list-then-delete steps the composite commands share. Each step is idempotent on its own: an item that is
 * already gone (404) counts as done, so a composite interrupted half-way finishes on retry without harm.
 * Items are removed one after another, not all at once, to keep the load a single user causes on Logto small.
 *
 * <p>Called on the event loop; never blocks.
 */
final class UserSweeps {
    private UserSweeps() {
    }

    /** Fails with {@code user_not_found} unless the user exists (list endpoints answer 200 [] for unknown users). */
    static Future<UserResolver.ResolvedUser> existing(ExecutionContext ctx, UserResolver.ResolvedUser user) {
        if (user.verified()) {
            return Future.succeededFuture(user);
        }
        return ctx.users().exists(user.id()).map(found -> {
            if (!found) {
                throw new CommandFailure(UserResolver.USER_NOT_FOUND, "no user with that id", 404);
            }
            return user;
        });
    }

    /** Revokes every current session; returns how many were revoked now. */
    static Future<Integer> revokeAllSessions(ExecutionContext ctx, UserResolver.ResolvedUser user, RevokeGrantsTarget grants) {
        Map<String, String> query = grants == null ? Map.of()
                : Map.of("revokeGrantsTarget", grants == RevokeGrantsTarget.ALL ? "all" : "firstParty");
        return ctx.logto().get("user.sessions.list", user.path() + "/sessions", Map.of()).compose(response -> {
            if (response.status() != 200) {
                return Future.failedFuture(response.toException("user.sessions.list"));
            }
            List<String> ids = new ArrayList<>();
            JsonArray sessions = response.json().getJsonArray("sessions", new JsonArray());
            for (int i = 0; i < sessions.size(); i++) {
                JsonObject payload = sessions.getJsonObject(i).getJsonObject("payload", new JsonObject());
                String id = payload.getString("jti");
                if (id != null) {
                    ids.add(id);
                }
            }
            return deleteEach(ctx, ids, id -> user.path() + "/sessions/" + PathSegments.encode(id), query, "user.session.revoke");
        });
    }

    /** Removes every MFA verification; returns how many were removed now. */
    static Future<Integer> removeAllMfa(ExecutionContext ctx, UserResolver.ResolvedUser user) {
        return ctx.logto().get("user.mfa.list", user.path() + "/mfa-verifications", Map.of()).compose(response -> {
            if (response.status() == 404) {
                return Future.failedFuture(new CommandFailure(UserResolver.USER_NOT_FOUND, "no user with that id", 404));
            }
            if (response.status() != 200) {
                return Future.failedFuture(response.toException("user.mfa.list"));
            }
            List<String> ids = new ArrayList<>();
            JsonArray verifications = response.jsonArray();
            for (int i = 0; i < verifications.size(); i++) {
                String id = verifications.getJsonObject(i).getString("id");
                if (id != null) {
                    ids.add(id);
                }
            }
            return deleteEach(ctx, ids, id -> user.path() + "/mfa-verifications/" + PathSegments.encode(id), Map.of(), "user.mfa.delete");
        });
    }

    private static Future<Integer> deleteEach(ExecutionContext ctx, List<String> ids, java.util.function.Function<String, String> path,
                                              Map<String, String> query, String operation) {
        Future<Integer> chain = Future.succeededFuture(0);
        for (String id : ids) {
            chain = chain.compose(done -> ctx.logto()
                    .write(operation, HttpMethod.DELETE, path.apply(id), query, null, ctx.idempotencyKey() + ":" + operation + ":" + id)
                    .map(response -> {
                        if (response.isSuccess()) {
                            return done + 1;
                        }
                        if (response.status() == 404) {
                            return done;
                        }
                        throw response.toException(operation);
                    }));
        }
        return chain;
    }
}
