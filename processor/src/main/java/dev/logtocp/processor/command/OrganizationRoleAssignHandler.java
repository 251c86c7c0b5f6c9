package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.OrganizationRoleAssign;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import dev.logtocp.processor.security.OrganizationAccess;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /api/organizations/{organizationId}/users/{userId}/roles}. Naturally idempotent: Logto inserts with
 * "on conflict do nothing" and answers 201 again for roles the member has. Refusals: a non-member (or an unknown
 * organization) FAILED {@code organization.require_membership}, a missing user {@code user_not_found}, an unknown
 * role {@code organization_role_not_found}, a machine-to-machine organization role Logto's
 * {@code entity.db_constraint_violated}; Logto inserts all roles in one statement, so a refusal assigns none.
 */
public final class OrganizationRoleAssignHandler implements CommandHandler<OrganizationRoleAssign> {

    @Override
    public Class<OrganizationRoleAssign> commandType() {
        return OrganizationRoleAssign.class;
    }

    @Override
    public String action() {
        return "user.organization.roles.assign";
    }

    @Override
    public CommandMeta meta(OrganizationRoleAssign command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(OrganizationRoleAssign command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(OrganizationRoleAssign c) {
        Validation v = Validation.of(c.getMeta())
                .userRef("user", c.getUser())
                .requireText("organizationId", c.getOrganizationId(), Validation.MAX_ID);
        return OrganizationCalls.ids(v, "organizationRoleIds", c.getOrganizationRoleIds(), 1)
                .errors();
    }

    @Override
    public List<String> changedFields(OrganizationRoleAssign command) {
        return List.of("organizationRoles");
    }

    @Override
    public Future<HandlerResult> execute(OrganizationRoleAssign c, ExecutionContext ctx) {
        List<String> roleIds = List.copyOf(c.getOrganizationRoleIds());
        JsonObject body = new JsonObject().put("organizationRoleIds", new JsonArray(roleIds));
        Map<String, String> details =
                Map.of("organizationId", c.getOrganizationId(), "organizationRoleIds", OrganizationCalls.join(roleIds));
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> ctx.logto()
                        .write(
                                action(),
                                HttpMethod.POST,
                                OrganizationCalls.memberPath(c.getOrganizationId(), user.id()) + "/roles",
                                null,
                                body,
                                ctx.idempotencyKey())
                        .compose(response -> response.isSuccess()
                                ? Future.succeededFuture(HandlerResult.succeeded(user.id(), details))
                                : LogtoAnswers.organizationRoleRefusal(
                                        ctx,
                                        user,
                                        response,
                                        action(),
                                        () -> LogtoAnswers.notAMember(user.id(), response))));
    }

    @Override
    public Optional<OrganizationAccess> organizationAccess(OrganizationRoleAssign c) {
        return Optional.of(new OrganizationAccess(
                OrganizationMembershipAddHandler.ids(c.getOrganizationId()),
                c.getOrganizationRoleIds() == null ? List.of() : c.getOrganizationRoleIds(),
                List.of(),
                false,
                false));
    }
}
