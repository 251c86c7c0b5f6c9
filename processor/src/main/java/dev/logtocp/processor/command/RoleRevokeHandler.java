package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.RoleRevoke;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import dev.logtocp.processor.security.RoleEffects;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code DELETE /api/users/{id}/roles/{roleId}}. Idempotent: Logto answers 404 {@code entity.not_found} for a role
 * the user does not have, the same answer as for a missing user, so the 404 is confirmed against the user: user
 * there → SUCCEEDED with {@code details.alreadyApplied=true}; user missing → FAILED {@code user_not_found}.
 */
public final class RoleRevokeHandler implements CommandHandler<RoleRevoke> {

    @Override
    public Class<RoleRevoke> commandType() {
        return RoleRevoke.class;
    }

    @Override
    public String action() {
        return "user.roles.revoke";
    }

    @Override
    public CommandMeta meta(RoleRevoke command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(RoleRevoke command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(RoleRevoke c) {
        return Validation.of(c.getMeta())
                .userRef("user", c.getUser())
                .requireText("roleId", c.getRoleId(), Validation.MAX_ID)
                .errors();
    }

    @Override
    public List<String> changedFields(RoleRevoke c) {
        return List.of("roles");
    }

    @Override
    public Future<HandlerResult> execute(RoleRevoke c, ExecutionContext ctx) {
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> LogtoAnswers.deleteItem(
                        ctx, user, "/roles/" + PathSegments.encode(c.getRoleId()), action(), Map.of()));
    }

    @Override
    public RoleEffects roleEffects(RoleRevoke command) {
        return RoleEffects.removing(command.getRoleId() == null ? List.of() : List.of(command.getRoleId()));
    }
}
