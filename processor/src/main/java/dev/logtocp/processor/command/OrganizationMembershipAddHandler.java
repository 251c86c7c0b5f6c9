package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.OrganizationMembershipAdd;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import dev.logtocp.processor.security.OrganizationAccess;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /api/organizations/{organizationId}/users} with the one user. Naturally idempotent: Logto inserts
 * the membership with "on conflict do nothing" and answers 201 again for a member, so a replay changes nothing
 * (and cannot tell whether the user was a member before). A 422 {@code entity.relation_foreign_key_not_found}
 * is a missing user ({@code user_not_found}) or else a missing organization ({@code organization_not_found}).
 */
public final class OrganizationMembershipAddHandler implements CommandHandler<OrganizationMembershipAdd> {

    @Override
    public Class<OrganizationMembershipAdd> commandType() {
        return OrganizationMembershipAdd.class;
    }

    @Override
    public String action() {
        return "user.organization.add";
    }

    @Override
    public CommandMeta meta(OrganizationMembershipAdd command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(OrganizationMembershipAdd command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(OrganizationMembershipAdd c) {
        return Validation.of(c.getMeta())
                .userRef("user", c.getUser())
                .requireText("organizationId", c.getOrganizationId(), Validation.MAX_ID)
                .errors();
    }

    @Override
    public List<String> changedFields(OrganizationMembershipAdd command) {
        return List.of("organizations");
    }

    @Override
    public Future<HandlerResult> execute(OrganizationMembershipAdd c, ExecutionContext ctx) {
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> OrganizationCalls.addMember(
                        ctx,
                        user,
                        c.getOrganizationId(),
                        action(),
                        ctx.idempotencyKey(),
                        Map.of("organizationId", c.getOrganizationId())));
    }

    @Override
    public Optional<OrganizationAccess> organizationAccess(OrganizationMembershipAdd c) {
        return Optional.of(new OrganizationAccess(ids(c.getOrganizationId()), List.of(), List.of(), false, false));
    }

    static List<String> ids(String organizationId) {
        return organizationId == null ? List.of() : List.of(organizationId);
    }
}
