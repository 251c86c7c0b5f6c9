package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.RoleAssign;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
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
 * the user already has the roles, so a replay changes nothing and still SUCCEEDS.
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
            return ctx.logto().write(action(), HttpMethod.POST, user.path() + "/roles", null, body, ctx.idempotencyKey())
                    .map(response -> {
                        if (response.status() == 201 || response.status() == 200) {
                            JsonArray added = response.json().getJsonArray("addedRoleIds", new JsonArray());
                            return HandlerResult.succeeded(user.id(), Map.of("addedRoleIds", String.join(",", added.stream().map(Object::toString).toList())));
                        }
                        String code = response.errorCode().orElse("http_" + response.status());
                        if (response.status() == 404 && code.equals("entity.not_found")) {
                            return HandlerResult.failed(user.id(), UserResolver.USER_NOT_FOUND, "no user with that id", 404);
                        }
                        if (response.status() == 400 || response.status() == 404 || response.status() == 422) {
                            return HandlerResult.failed(user.id(), code, response.errorMessage().orElse(null), response.status());
                        }
                        throw response.toException(action());
                    });
        });
    }

    @Override
    public RoleEffects roleEffects(RoleAssign command) {
        return RoleEffects.granting(command.getRoleIds());
    }
}
