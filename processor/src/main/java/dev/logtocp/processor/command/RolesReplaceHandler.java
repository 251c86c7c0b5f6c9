package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.RolesReplace;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code PUT /api/users/{id}/roles}: the user ends with exactly the given roles ({@code []} removes all).
 * Naturally idempotent: putting the same set again changes nothing. An unknown role ends FAILED
 * {@code entity.not_exists_with_id}, a machine-to-machine role FAILED {@code user.invalid_role_type}; Logto checks
 * every role before it changes anything, so a refused replace leaves the old roles in place.
 */
public final class RolesReplaceHandler implements CommandHandler<RolesReplace> {

    @Override
    public Class<RolesReplace> commandType() {
        return RolesReplace.class;
    }

    @Override
    public String action() {
        return "user.roles.replace";
    }

    @Override
    public CommandMeta meta(RolesReplace command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(RolesReplace command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(RolesReplace c) {
        Validation v = Validation.of(c.getMeta()).userRef("user", c.getUser());
        List<String> roleIds = c.getRoleIds();
        if (roleIds == null) {
            v.add("roleIds", "is required (an empty array removes every role)");
        } else {
            if (roleIds.size() > 100) {
                v.add("roleIds", "has more than 100 items");
            }
            for (int i = 0; i < roleIds.size(); i++) {
                v.requireText("roleIds[" + i + "]", roleIds.get(i), Validation.MAX_ID);
            }
        }
        return v.errors();
    }

    @Override
    public List<String> changedFields(RolesReplace c) {
        return List.of("roles");
    }

    @Override
    public Future<HandlerResult> execute(RolesReplace c, ExecutionContext ctx) {
        List<String> roleIds = List.copyOf(c.getRoleIds());
        JsonObject body = new JsonObject().put("roleIds", new JsonArray(roleIds));
        return ctx.users().resolve(c.getUser()).compose(user -> ctx.logto()
                .write(action(), HttpMethod.PUT, user.path() + "/roles", null, body, ctx.idempotencyKey())
                .compose(response -> response.isSuccess()
                        ? Future.succeededFuture(HandlerResult.succeeded(user.id(), Map.of("roleIds", String.join(",", roleIds))))
                        : LogtoAnswers.refusal(user.id(), response, action(), false)));
    }

    @Override
    public List<String> rolesGranted(RolesReplace command) {
        return command.getRoleIds() == null ? List.of() : List.copyOf(command.getRoleIds());
    }
}
