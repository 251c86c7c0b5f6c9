package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.RolesReplace;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import dev.logtocp.processor.logto.LogtoResponse;
import dev.logtocp.processor.security.RoleEffects;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code PUT /api/users/{id}/roles}: the user ends with exactly the given roles ({@code []} removes all).
 * Naturally idempotent: putting the same set again changes nothing.
 *
 * <p>Every role is looked up ({@code GET /api/roles/{id}}) before the PUT, because Logto 1.42 does not check a
 * role's type there: it deletes the roles not wanted and only then fails to insert a machine-to-machine role (422
 * {@code entity.db_constraint_violated}), which would leave the user with fewer roles than before and no role that
 * was asked for. So an unknown role ends FAILED {@code entity.not_exists_with_id} and a machine-to-machine role
 * FAILED {@code user.invalid_role_type} (Logto's code for it on the POST form), both with the user's roles
 * untouched. A role's type cannot change once created, so the check cannot go stale; a role deleted between the
 * check and the PUT is refused by Logto before it changes anything.
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
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> refusedRole(user.id(), roleIds, ctx)
                        .compose(refused -> refused.isPresent()
                                ? Future.succeededFuture(refused.get())
                                : ctx.logto()
                                        .write(
                                                action(),
                                                HttpMethod.PUT,
                                                user.path() + "/roles",
                                                null,
                                                body,
                                                ctx.idempotencyKey())
                                        .compose(response -> LogtoAnswers.applied(
                                                user.id(),
                                                response,
                                                action(),
                                                Map.of("roleIds", String.join(",", roleIds)),
                                                false))));
    }

    /** The FAILED result for the first role that is missing or not a user role, or empty when all are assignable. */
    private static Future<Optional<HandlerResult>> refusedRole(
            String userId, List<String> roleIds, ExecutionContext ctx) {
        List<String> distinct = List.copyOf(new LinkedHashSet<>(roleIds));
        List<Future<LogtoResponse>> lookups = distinct.stream()
                .map(roleId -> ctx.logto().get("role.get", "/api/roles/" + PathSegments.encode(roleId), Map.of()))
                .toList();
        return Future.all(lookups).map(all -> {
            for (int i = 0; i < distinct.size(); i++) {
                LogtoResponse answer = lookups.get(i).result();
                Optional<LogtoResponse> role = LogtoAnswers.found(answer, "role.get");
                if (role.isEmpty()) {
                    return Optional.of(HandlerResult.failed(
                            userId,
                            answer.errorCode().orElse("entity.not_exists_with_id"),
                            "no role with id " + distinct.get(i),
                            404));
                }
                if (!"User".equals(role.get().json().getString("type"))) {
                    return Optional.of(HandlerResult.failed(
                            userId,
                            "user.invalid_role_type",
                            "role " + distinct.get(i) + " is a machine-to-machine role, which a user cannot have",
                            422));
                }
            }
            return Optional.empty();
        });
    }

    @Override
    public RoleEffects roleEffects(RolesReplace command) {
        return RoleEffects.replacing(command.getRoleIds());
    }
}
