package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.RevokeGrantsTarget;
import dev.logtocp.commands.SessionRevoke;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code DELETE /api/users/{id}/sessions/{sessionId}}. Naturally idempotent: Logto answers 404
 * {@code oidc.session_not_found} for a session already revoked. Because Logto gives the same answer for a user
 * that does not exist, a 404 is confirmed against the user before it counts as "already applied".
 */
public final class SessionRevokeHandler implements CommandHandler<SessionRevoke> {

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
        Map<String, String> query = c.getRevokeGrantsTarget() == null ? Map.of()
                : Map.of("revokeGrantsTarget", c.getRevokeGrantsTarget() == RevokeGrantsTarget.ALL ? "all" : "firstParty");
        return ctx.users().resolve(c.getUser()).compose(user -> ctx.logto()
                .write(action(), HttpMethod.DELETE, user.path() + "/sessions/" + PathSegments.encode(c.getSessionId()),
                        query, null, ctx.idempotencyKey())
                .compose(response -> {
                    if (response.isSuccess()) {
                        return Future.succeededFuture(HandlerResult.succeeded(user.id(), Map.of()));
                    }
                    if (response.status() == 404) {
                        Future<Boolean> exists = user.verified() ? Future.succeededFuture(true) : ctx.users().exists(user.id());
                        return exists.map(found -> found
                                ? HandlerResult.succeeded(user.id(), Map.of("alreadyApplied", "true"))
                                : HandlerResult.failed(user.id(), UserResolver.USER_NOT_FOUND, "no user with that id", 404));
                    }
                    if (response.status() == 400 || response.status() == 422) {
                        return Future.succeededFuture(HandlerResult.failed(user.id(),
                                response.errorCode().orElse("http_" + response.status()), response.errorMessage().orElse(null), response.status()));
                    }
                    return Future.failedFuture(response.toException(action()));
                }));
    }
}
