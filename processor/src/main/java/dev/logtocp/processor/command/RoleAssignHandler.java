package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.RoleAssign;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import dev.logtocp.processor.logto.LogtoResponse;
import dev.logtocp.processor.security.RoleEffects;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /api/users/{id}/roles}. Naturally idempotent: Logto answers 201 with {@code addedRoleIds: []} when
 * the user already has the roles, so a replay changes nothing and still SUCCEEDS. Refusals are read as every user
 * command reads them ({@link LogtoAnswers#refusal}): a missing role 404 {@code entity.not_exists_with_id} and a
 * machine-to-machine role 422 {@code user.invalid_role_type} end FAILED with that code, a missing user
 * {@code user_not_found}.
 */
public final class RoleAssignHandler implements CommandHandler<RoleAssign> {

    @Override
    public Class<RoleAssign> commandType() {
        return RoleAssign.class;
    }

    @Override
    public String action() {
        return "user.roles.assign";
    }

    @Override
    public CommandMeta meta(RoleAssign command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(RoleAssign command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(RoleAssign c) {
        Validation v = Validation.of(c.getMeta()).userRef("user", c.getUser()).nonEmpty("roleIds", c.getRoleIds(), 100);
        if (c.getRoleIds() != null) {
            for (int i = 0; i < c.getRoleIds().size(); i++) {
                v.requireText("roleIds[" + i + "]", c.getRoleIds().get(i), Validation.MAX_ID);
            }
        }
        return v.errors();
    }

    @Override
    public List<String> changedFields(RoleAssign command) {
        return List.of("roles");
    }

    @Override
    public Future<HandlerResult> execute(RoleAssign c, ExecutionContext ctx) {
        return ctx.users().resolve(c.getUser()).compose(user -> {
            JsonObject body = new JsonObject().put("roleIds", new JsonArray(List.copyOf(c.getRoleIds())));
            return ctx.logto()
                    .write(action(), HttpMethod.POST, user.path() + "/roles", null, body, ctx.idempotencyKey())
                    .compose(response -> response.isSuccess()
                            ? Future.succeededFuture(
                                    HandlerResult.succeeded(user.id(), Map.of("addedRoleIds", added(response))))
                            : LogtoAnswers.refusal(user.id(), response, action(), false));
        });
    }

    /** The roles this call gave the user now ({@code []} when it had them all already). */
    private static String added(LogtoResponse response) {
        JsonArray added = response.json().getJsonArray("addedRoleIds", new JsonArray());
        return String.join(",", added.stream().map(Object::toString).toList());
    }

    @Override
    public RoleEffects roleEffects(RoleAssign command) {
        return RoleEffects.granting(command.getRoleIds());
    }
}
