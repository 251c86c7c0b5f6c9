package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.OrganizationRoleRevoke;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import dev.logtocp.processor.security.OrganizationAccess;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code DELETE /api/organizations/{organizationId}/users/{userId}/roles/{organizationRoleId}}. The command asks
 * for the user not to hold the role, so both of Logto's "not there" answers are success: 404 (a member without
 * that role; Logto checked membership first, so the user exists) and 422 {@code organization.require_membership}
 * for an existing user (a non-member holds no organization roles there) end SUCCEEDED with
 * {@code details.alreadyApplied=true}; a missing user is {@code user_not_found}.
 */
public final class OrganizationRoleRevokeHandler implements CommandHandler<OrganizationRoleRevoke> {

    @Override
    public Class<OrganizationRoleRevoke> commandType() {
        return OrganizationRoleRevoke.class;
    }

    @Override
    public String action() {
        return "user.organization.roles.revoke";
    }

    @Override
    public CommandMeta meta(OrganizationRoleRevoke command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(OrganizationRoleRevoke command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(OrganizationRoleRevoke c) {
        return Validation.of(c.getMeta())
                .userRef("user", c.getUser())
                .requireText("organizationId", c.getOrganizationId(), Validation.MAX_ID)
                .requireText("organizationRoleId", c.getOrganizationRoleId(), Validation.MAX_ID)
                .errors();
    }

    @Override
    public List<String> changedFields(OrganizationRoleRevoke command) {
        return List.of("organizationRoles");
    }

    @Override
    public Future<HandlerResult> execute(OrganizationRoleRevoke c, ExecutionContext ctx) {
        Map<String, String> details =
                Map.of("organizationId", c.getOrganizationId(), "organizationRoleId", c.getOrganizationRoleId());
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> ctx.logto()
                        .write(
                                action(),
                                HttpMethod.DELETE,
                                OrganizationCalls.memberPath(c.getOrganizationId(), user.id()) + "/roles/"
                                        + PathSegments.encode(c.getOrganizationRoleId()),
                                null,
                                null,
                                ctx.idempotencyKey())
                        .compose(response -> LogtoAnswers.goneOn404(
                                user.id(),
                                response,
                                null,
                                details,
                                refused -> LogtoAnswers.organizationRoleRefusal(
                                        ctx,
                                        user,
                                        refused,
                                        action(),
                                        () -> HandlerResult.succeeded(
                                                user.id(), LogtoAnswers.alreadyApplied(details))))));
    }

    @Override
    public Optional<OrganizationAccess> organizationAccess(OrganizationRoleRevoke c) {
        return Optional.of(new OrganizationAccess(
                OrganizationMembershipAddHandler.ids(c.getOrganizationId()),
                List.of(),
                c.getOrganizationRoleId() == null ? List.of() : List.of(c.getOrganizationRoleId()),
                false,
                false));
    }
}
