package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.GrantRevoke;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code DELETE /api/users/{id}/grants/{grantId}}. Idempotent: a grant already revoked (or not the user's) is
 * answered 404, as is a missing user, so the 404 is confirmed against the user: user there → SUCCEEDED with
 * {@code details.alreadyApplied=true}; user missing → FAILED {@code user_not_found}.
 */
public final class GrantRevokeHandler implements CommandHandler<GrantRevoke> {

    @Override
    public Class<GrantRevoke> commandType() {
        return GrantRevoke.class;
    }

    @Override
    public String action() {
        return "user.grant.revoke";
    }

    @Override
    public CommandMeta meta(GrantRevoke command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(GrantRevoke command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(GrantRevoke c) {
        return Validation.of(c.getMeta())
                .userRef("user", c.getUser())
                .requireText("grantId", c.getGrantId(), Validation.MAX_ID)
                .errors();
    }

    @Override
    public List<String> changedFields(GrantRevoke c) {
        return List.of("grants");
    }

    @Override
    public Future<HandlerResult> execute(GrantRevoke c, ExecutionContext ctx) {
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> LogtoAnswers.deleteItem(
                        ctx, user, "/grants/" + PathSegments.encode(c.getGrantId()), action(), Map.of()));
    }
}
