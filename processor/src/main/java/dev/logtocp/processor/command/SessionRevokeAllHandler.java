package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.SessionRevokeAll;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lists the user's sessions and revokes each by uid; with {@code revokeGrantsTarget} also the grants the sessions
 * name and then the user's remaining grants of that kind. Repeating it revokes whatever appeared since, nothing twice.
 */
public final class SessionRevokeAllHandler implements CommandHandler<SessionRevokeAll> {

    @Override
    public Class<SessionRevokeAll> commandType() {
        return SessionRevokeAll.class;
    }

    @Override
    public String action() {
        return "user.sessions.revoke_all";
    }

    @Override
    public CommandMeta meta(SessionRevokeAll command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(SessionRevokeAll command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(SessionRevokeAll c) {
        return Validation.of(c.getMeta()).userRef("user", c.getUser()).errors();
    }

    @Override
    public List<String> changedFields(SessionRevokeAll command) {
        return command.getRevokeGrantsTarget() == null ? List.of("sessions") : List.of("sessions", "grants");
    }

    @Override
    public Future<HandlerResult> execute(SessionRevokeAll c, ExecutionContext ctx) {
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> UserSweeps.existing(ctx, user))
                .compose(user -> UserSweeps.revokeAllSessions(ctx, user, c.getRevokeGrantsTarget())
                        .map(revoked -> {
                            Map<String, String> details = new HashMap<>(revoked.details());
                            details.put("steps", "sessions_revoked");
                            return HandlerResult.succeeded(user.id(), Map.copyOf(details));
                        }));
    }
}
