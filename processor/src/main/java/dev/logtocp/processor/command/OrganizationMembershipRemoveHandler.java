package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.OrganizationMembershipRemove;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import dev.logtocp.processor.security.OrganizationAccess;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code DELETE /api/organizations/{organizationId}/users/{userId}}; Logto also drops the user's organization
 * roles there. The command asks for the user not to be a member, so Logto's 404 for a non-member is success once
 * the user is confirmed to exist: SUCCEEDED with {@code details.alreadyApplied=true}; a missing user is
 * {@code user_not_found}. Logto gives the same 404 for an organization that does not exist, which ends the same
 * way: nobody is a member of it.
 */
public final class OrganizationMembershipRemoveHandler implements CommandHandler<OrganizationMembershipRemove> {

    @Override
    public Class<OrganizationMembershipRemove> commandType() {
        return OrganizationMembershipRemove.class;
    }

    @Override
    public String action() {
        return "user.organization.remove";
    }

    @Override
    public CommandMeta meta(OrganizationMembershipRemove command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(OrganizationMembershipRemove command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(OrganizationMembershipRemove c) {
        return Validation.of(c.getMeta())
                .userRef("user", c.getUser())
                .requireText("organizationId", c.getOrganizationId(), Validation.MAX_ID)
                .errors();
    }

    @Override
    public List<String> changedFields(OrganizationMembershipRemove command) {
        return List.of("organizations", "organizationRoles");
    }

    @Override
    public Future<HandlerResult> execute(OrganizationMembershipRemove c, ExecutionContext ctx) {
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> OrganizationCalls.removeMember(
                        ctx,
                        user,
                        c.getOrganizationId(),
                        action(),
                        ctx.idempotencyKey(),
                        Map.of("organizationId", c.getOrganizationId())));
    }

    @Override
    public Optional<OrganizationAccess> organizationAccess(OrganizationMembershipRemove c) {
        // Leaving drops every organization role held there, named or not.
        return Optional.of(new OrganizationAccess(
                OrganizationMembershipAddHandler.ids(c.getOrganizationId()), List.of(), List.of(), true, false));
    }
}
