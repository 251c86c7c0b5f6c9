package dev.logtocp.processor.command;

import dev.logtocp.commands.RevokeGrantsTarget;
import dev.logtocp.processor.logto.LogtoResponse;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The list-then-delete steps the composite commands share. Each step is idempotent on its own: an item that was
 * listed a moment ago and is answered 404 now is gone (revoked meanwhile, or by an earlier attempt), which counts as
 * done, so a composite interrupted half-way finishes on retry without harm.
 * Items are removed one after another, not all at once, to keep the load a single user causes on Logto small.
 *
 * <p>Called on the event loop; never blocks.
 */
final class UserSweeps {
    private UserSweeps() {}

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

    /** What a sign-out sweep revoked now: sessions, and grants that no revoked session named. */
    record Revocation(int sessions, int grants) {
        /** The outcome details every composite reports for its sweep. */
        Map<String, String> details() {
            return Map.of("sessionsRevoked", Integer.toString(sessions), "grantsRevoked", Integer.toString(grants));
        }
    }

    /**
     * Signs the user out everywhere: revokes each session the user has now, addressed by {@code payload.uid} (the id
     * Logto's session routes look sessions up by; its {@code jti} is the cookie id and answers 404). With a
     * {@code grants} target each DELETE also revokes the grants the session names, and afterwards the user's
     * remaining grants of that kind are revoked too: a grant outlives its session (a refresh token keeps it alive),
     * and an intruder's refresh token is exactly what a reset after a takeover must end.
     */
    static Future<Revocation> revokeAllSessions(
            ExecutionContext ctx, UserResolver.ResolvedUser user, RevokeGrantsTarget grants) {
        Map<String, String> query = grants == null ? Map.of() : Map.of("revokeGrantsTarget", grantsTarget(grants));
        return ctx.logto()
                .get("user.sessions.list", user.path() + "/sessions", Map.of())
                .compose(answer -> {
                    LogtoResponse response = LogtoAnswers.ok(answer, "user.sessions.list");
                    List<String> uids = new ArrayList<>();
                    JsonArray sessions = response.json().getJsonArray("sessions", new JsonArray());
                    for (int i = 0; i < sessions.size(); i++) {
                        JsonObject payload = sessions.getJsonObject(i).getJsonObject("payload", new JsonObject());
                        String uid = payload.getString("uid");
                        if (uid != null) {
                            uids.add(uid);
                        }
                    }
                    return deleteEach(
                            ctx,
                            uids,
                            uid -> user.path() + "/sessions/" + PathSegments.encode(uid),
                            query,
                            "user.session.revoke");
                })
                .compose(sessions -> grants == null
                        ? Future.succeededFuture(new Revocation(sessions, 0))
                        : revokeRemainingGrants(ctx, user, grants).map(granted -> new Revocation(sessions, granted)));
    }

    /** Revokes every grant of the user of the given kind ({@code ALL} or first-party only); returns how many now. */
    private static Future<Integer> revokeRemainingGrants(
            ExecutionContext ctx, UserResolver.ResolvedUser user, RevokeGrantsTarget target) {
        Map<String, String> query = target == RevokeGrantsTarget.ALL ? Map.of() : Map.of("appType", "firstParty");
        return ctx.logto()
                .get("user.grants.list", user.path() + "/grants", query)
                .compose(answer -> {
                    LogtoResponse response = LogtoAnswers.ok(answer, "user.grants.list");
                    List<String> ids = new ArrayList<>();
                    JsonArray list = response.json().getJsonArray("grants", new JsonArray());
                    for (int i = 0; i < list.size(); i++) {
                        String id = list.getJsonObject(i).getString("id");
                        if (id != null) {
                            ids.add(id);
                        }
                    }
                    return deleteEach(
                            ctx,
                            ids,
                            id -> user.path() + "/grants/" + PathSegments.encode(id),
                            Map.of(),
                            "user.grant.revoke");
                });
    }

    static String grantsTarget(RevokeGrantsTarget target) {
        return target == RevokeGrantsTarget.ALL ? "all" : "firstParty";
    }

    /** Removes every MFA verification; returns how many were removed now. */
    static Future<Integer> removeAllMfa(ExecutionContext ctx, UserResolver.ResolvedUser user) {
        return ctx.logto()
                .get("user.mfa.list", user.path() + "/mfa-verifications", Map.of())
                .compose(answer -> {
                    Optional<LogtoResponse> found = LogtoAnswers.found(answer, "user.mfa.list");
                    if (found.isEmpty()) {
                        return Future.failedFuture(
                                new CommandFailure(UserResolver.USER_NOT_FOUND, "no user with that id", 404));
                    }
                    List<String> ids = new ArrayList<>();
                    JsonArray verifications = found.get().jsonArray();
                    for (int i = 0; i < verifications.size(); i++) {
                        String id = verifications.getJsonObject(i).getString("id");
                        if (id != null) {
                            ids.add(id);
                        }
                    }
                    return deleteEach(
                            ctx,
                            ids,
                            id -> user.path() + "/mfa-verifications/" + PathSegments.encode(id),
                            Map.of(),
                            "user.mfa.delete");
                });
    }

    private static Future<Integer> deleteEach(
            ExecutionContext ctx,
            List<String> ids,
            Function<String, String> path,
            Map<String, String> query,
            String operation) {
        Future<Integer> chain = Future.succeededFuture(0);
        for (String id : ids) {
            chain = chain.compose(done -> ctx.logto()
                    .write(
                            operation,
                            HttpMethod.DELETE,
                            path.apply(id),
                            query,
                            null,
                            ctx.idempotencyKey() + ":" + operation + ":" + id)
                    .map(response -> LogtoAnswers.removedNow(response, operation) ? done + 1 : done));
        }
        return chain;
    }
}
