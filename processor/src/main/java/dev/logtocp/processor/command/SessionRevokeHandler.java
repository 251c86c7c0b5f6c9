package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.SessionRevoke;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import dev.logtocp.processor.logto.LogtoResponse;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code DELETE /api/users/{id}/sessions/{sessionId}}, where the session id is the session's {@code payload.uid}
 * (Logto looks sessions up by uid). Naturally idempotent: Logto answers 404 {@code oidc.session_not_found} for a
 * session already revoked, but also for a missing user and for a session's jti, so a 404 counts as "already applied"
 * only once the user is known to exist and the user's session list shows no live session with that id. A jti of a
 * live session is resolved to its uid and revoked (details {@code sessionIdKind=jti}); a session of another user
 * ends FAILED {@code oidc.invalid_session_account_id}.
 */
public final class SessionRevokeHandler implements CommandHandler<SessionRevoke> {
    private static final String SESSION_NOT_FOUND = "oidc.session_not_found";

    @Override
    public Class<SessionRevoke> commandType() {
        return SessionRevoke.class;
    }

    @Override
    public String action() {
        return "user.session.revoke";
    }

    @Override
    public CommandMeta meta(SessionRevoke command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(SessionRevoke command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(SessionRevoke c) {
        return Validation.of(c.getMeta())
                .userRef("user", c.getUser())
                .requireText("sessionId", c.getSessionId(), Validation.MAX_TEXT)
                .errors();
    }

    @Override
    public List<String> changedFields(SessionRevoke command) {
        return List.of("sessions");
    }

    @Override
    public Future<HandlerResult> execute(SessionRevoke c, ExecutionContext ctx) {
        Map<String, String> query = c.getRevokeGrantsTarget() == null
                ? Map.of()
                : Map.of("revokeGrantsTarget", UserSweeps.grantsTarget(c.getRevokeGrantsTarget()));
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> revoke(ctx, user, c.getSessionId(), query, ctx.idempotencyKey())
                        .compose(response -> {
                            if (response.isSuccess()) {
                                return Future.succeededFuture(HandlerResult.succeeded(user.id(), Map.of()));
                            }
                            if (LogtoAnswers.refusedWith(response, 404, SESSION_NOT_FOUND)) {
                                return notFoundByUid(ctx, user, c.getSessionId(), query);
                            }
                            return LogtoAnswers.refusal(user.id(), response, action(), false);
                        }));
    }

    private Future<LogtoResponse> revoke(
            ExecutionContext ctx,
            UserResolver.ResolvedUser user,
            String uid,
            Map<String, String> query,
            String idempotencyKey) {
        return ctx.logto()
                .write(
                        action(),
                        HttpMethod.DELETE,
                        user.path() + "/sessions/" + PathSegments.encode(uid),
                        query,
                        null,
                        idempotencyKey);
    }

    /**
     * Logto knows no session with that uid. The 404 alone proves nothing (Logto gives it for a missing user, and for
     * a session's jti, which still signs the user in), so the user's session list decides: a live session whose jti
     * is the id is revoked by its uid; an id the list does not hold is gone, which is what was asked.
     */
    private Future<HandlerResult> notFoundByUid(
            ExecutionContext ctx, UserResolver.ResolvedUser user, String sessionId, Map<String, String> query) {
        Future<Boolean> exists =
                user.verified() ? Future.succeededFuture(true) : ctx.users().exists(user.id());
        return exists.compose(found -> {
            if (!found) {
                return Future.succeededFuture(LogtoAnswers.userNotFound(user.id()));
            }
            return ctx.logto()
                    .get("user.sessions.list", user.path() + "/sessions", Map.of())
                    .compose(list -> {
                        JsonArray sessions = LogtoAnswers.ok(list, "user.sessions.list")
                                .json()
                                .getJsonArray("sessions", new JsonArray());
                        Optional<String> uid = uidOfJti(sessions, sessionId);
                        if (uid.isEmpty()) {
                            return Future.succeededFuture(HandlerResult.succeeded(
                                    user.id(), Map.of("alreadyApplied", "true", "sessionActive", "false")));
                        }
                        // The jti's session, by its uid: a 404 now means it ended meanwhile, which is what was asked.
                        return revoke(ctx, user, uid.get(), query, ctx.idempotencyKey() + ":uid")
                                .compose(response -> {
                                    if (response.isSuccess()
                                            || LogtoAnswers.refusedWith(response, 404, SESSION_NOT_FOUND)) {
                                        return Future.succeededFuture(HandlerResult.succeeded(
                                                user.id(), Map.of("sessionIdKind", "jti", "sessionUid", uid.get())));
                                    }
                                    return LogtoAnswers.refusal(user.id(), response, action(), false);
                                });
                    });
        });
    }

    private static Optional<String> uidOfJti(JsonArray sessions, String jti) {
        for (int i = 0; i < sessions.size(); i++) {
            JsonObject payload = sessions.getJsonObject(i).getJsonObject("payload", new JsonObject());
            if (jti.equals(payload.getString("jti")) && payload.getString("uid") != null) {
                return Optional.of(payload.getString("uid"));
            }
        }
        return Optional.empty();
    }
}
