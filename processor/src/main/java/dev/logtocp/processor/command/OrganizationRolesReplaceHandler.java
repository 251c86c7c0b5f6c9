package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.OrganizationRolesReplace;
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
 * {@code PUT /api/organizations/{organizationId}/users/{userId}/roles}: the member ends with exactly the given
 * organization roles there ({@code []} removes all). Naturally idempotent: the same set again changes nothing.
 * Logto replaces in one transaction, so a refused replace (unknown role {@code organization_role_not_found},
 * machine-to-machine role {@code entity.db_constraint_violated}) keeps the old roles. A non-member is FAILED
 * {@code organization.require_membership}; a missing user {@code user_not_found}.
 */
public final class OrganizationRolesReplaceHandler implements CommandHandler<OrganizationRolesReplace> {

    @Override
    public Class<OrganizationRolesReplace> commandType() {
        return OrganizationRolesReplace.class;
    }

    @Override
    public String action() {
        return "user.organization.roles.replace";
    }

    @Override
    public CommandMeta meta(OrganizationRolesReplace command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(OrganizationRolesReplace command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(OrganizationRolesReplace c) {
        Validation v = Validation.of(c.getMeta())
                .userRef("user", c.getUser())
                .requireText("organizationId", c.getOrganizationId(), Validation.MAX_ID);
        return OrganizationCalls.ids(v, "organizationRoleIds", c.getOrganizationRoleIds(), 0)
                .errors();
    }

    @Override
    public List<String> changedFields(OrganizationRolesReplace command) {
        return List.of("organizationRoles");
    }

    @Override
    public Future<HandlerResult> execute(OrganizationRolesReplace c, ExecutionContext ctx) {
        List<String> roleIds = List.copyOf(c.getOrganizationRoleIds());
        JsonObject body = new JsonObject().put("organizationRoleIds", new JsonArray(roleIds));
        Map<String, String> details =
                Map.of("organizationId", c.getOrganizationId(), "organizationRoleIds", OrganizationCalls.join(roleIds));
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> ctx.logto()
                        .write(
                                action(),
                                HttpMethod.PUT,
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
    public Optional<OrganizationAccess> organizationAccess(OrganizationRolesReplace c) {
        return Optional.of(new OrganizationAccess(
                OrganizationMembershipAddHandler.ids(c.getOrganizationId()),
                c.getOrganizationRoleIds() == null ? List.of() : c.getOrganizationRoleIds(),
                List.of(),
                true,
                false));
    }
}
