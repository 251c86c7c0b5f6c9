package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.Fixtures.applied;
import static dev.logtocp.processor.it.Fixtures.assertAlreadyApplied;
import static dev.logtocp.processor.it.Fixtures.assertFailed;
import static dev.logtocp.processor.it.Fixtures.byId;
import static dev.logtocp.processor.it.Fixtures.createUser;
import static dev.logtocp.processor.it.Fixtures.run;
import static dev.logtocp.processor.it.OrganizationFixtures.join;
import static dev.logtocp.processor.it.OrganizationFixtures.metaFrom;
import static dev.logtocp.processor.it.ProcessorStack.meta;
import static dev.logtocp.processor.it.ProcessorStack.pastLedger;
import static dev.logtocp.processor.it.ProcessorStack.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.OrganizationRoleAssign;
import dev.logtocp.commands.OrganizationRoleRevoke;
import dev.logtocp.commands.OrganizationRolesReplace;
import dev.logtocp.commands.UserDelete;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OrganizationRoleAssign, OrganizationRolesReplace and OrganizationRoleRevoke end to end. */
class OrganizationRoleCommandsIT {
    private static OrganizationFixtures.World world;
    private static ProcessorStack stack;

    @BeforeAll
    static void start() {
        world = OrganizationFixtures.start();
        stack = world.stack();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static OrganizationRoleAssign assign(String key, UserRef user, String organizationId, String... roleIds) {
        return OrganizationRoleAssign.newBuilder()
                .setMeta(meta(key))
                .setUser(user)
                .setOrganizationId(organizationId)
                .setOrganizationRoleIds(List.of(roleIds))
                .build();
    }

    private static OrganizationRolesReplace replace(
            String key, UserRef user, String organizationId, String... roleIds) {
        return OrganizationRolesReplace.newBuilder()
                .setMeta(meta(key))
                .setUser(user)
                .setOrganizationId(organizationId)
                .setOrganizationRoleIds(List.of(roleIds))
                .build();
    }

    private static OrganizationRoleRevoke revoke(String key, UserRef user, String organizationId, String roleId) {
        return OrganizationRoleRevoke.newBuilder()
                .setMeta(meta(key))
                .setUser(user)
                .setOrganizationId(organizationId)
                .setOrganizationRoleId(roleId)
                .build();
    }

    private static UserRef byEmail(String username) {
        return new UserRef(UserRefKind.PRIMARY_EMAIL, username + "@it.example");
    }

    /** A user created through the processor and made a member of {@code acme}; returns its id. */
    private static String member(String username) {
        String id = createUser(stack, username);
        join(stack, username, byId(id), world.acme());
        return id;
    }

    @Test
    void assignGivesTheRolesAndAReplayPastTheLedgerChangesNothing() {
        String username = unique("ora");
        String id = member(username);
        String key = unique("ora");

        CommandOutcome first =
                run(stack, username, assign(key, byEmail(username), world.acme(), world.member(), world.admin()));
        CommandOutcome replay = run(
                stack,
                username,
                OrganizationRoleAssign.newBuilder(
                                assign(key, byEmail(username), world.acme(), world.member(), world.admin()))
                        .setMeta(pastLedger(key))
                        .build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(first.getUserId()).isEqualTo(id);
        assertThat(first.getDetails())
                .containsEntry("organizationId", world.acme())
                .containsEntry("organizationRoleIds", world.member() + "," + world.admin());
        assertThat(replay.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().organizationRolesOf(world.acme(), id))
                .containsExactlyInAnyOrder(world.member(), world.admin());
        assertThat(applied(stack, id, "organization.member.roles.add")).isEqualTo(1);
        AuditEvent audit = stack.auditEvents().stream()
                .filter(e -> e.getCommandId().equals(first.getCommandId()))
                .findFirst()
                .orElseThrow();
        assertThat(audit.getAction()).isEqualTo("user.organization.roles.assign");
        assertThat(audit.getChangedFields()).containsExactly("organizationRoles");
    }

    @Test
    void assignRefusalsNameTheCauseAndAssignNothing() {
        String username = unique("oraf");
        String id = member(username);
        String outsider = unique("orao");
        String outsiderId = createUser(stack, outsider);
        String machine = stack.logto.createMachineToMachineOrganizationRole(unique("m2m"));
        String deleted = unique("orad");
        String deletedId = member(deleted);
        assertThat(run(
                                stack,
                                deleted,
                                UserDelete.newBuilder()
                                        .setMeta(meta(unique("del")))
                                        .setUser(byId(deletedId))
                                        .build())
                        .getStatus())
                .isEqualTo(OutcomeStatus.SUCCEEDED);

        assertFailed(
                run(stack, outsider, assign(unique("x"), byId(outsiderId), world.acme(), world.member())),
                "organization.require_membership",
                422);
        assertFailed(
                run(stack, username, assign(unique("x"), byId(id), "nosuchorg123", world.member())),
                "organization.require_membership",
                422);
        assertFailed(
                run(stack, deleted, assign(unique("x"), byId(deletedId), world.acme(), world.member())),
                "user_not_found",
                404);
        assertFailed(
                run(stack, username, assign(unique("x"), byId(id), world.acme(), world.member(), "nosuchorole1")),
                "organization_role_not_found",
                422);
        assertFailed(
                run(stack, username, assign(unique("x"), byId(id), world.acme(), machine)),
                "entity.db_constraint_violated",
                422);
        assertThat(stack.logto.state().organizationRolesOf(world.acme(), id)).isEmpty();
        assertThat(stack.logto.state().organizationsOf(outsiderId)).isEmpty();
    }

    @Test
    void replaceLeavesExactlyTheGivenRolesAndAReplayPastTheLedgerChangesNothing() {
        String username = unique("orr");
        String id = member(username);
        assertThat(run(stack, username, assign(unique("a"), byId(id), world.acme(), world.member()))
                        .getStatus())
                .isEqualTo(OutcomeStatus.SUCCEEDED);
        String key = unique("orr");

        CommandOutcome first = run(stack, username, replace(key, byId(id), world.acme(), world.admin()));
        CommandOutcome replay = run(
                stack,
                username,
                OrganizationRolesReplace.newBuilder(replace(key, byId(id), world.acme(), world.admin()))
                        .setMeta(pastLedger(key))
                        .build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(replay.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().organizationRolesOf(world.acme(), id)).containsExactly(world.admin());
        assertThat(applied(stack, id, "organization.member.roles.replace")).isEqualTo(1);

        assertFailed(
                run(stack, username, replace(unique("orr"), byId(id), world.acme(), world.member(), "nosuchorole1")),
                "organization_role_not_found",
                422);
        assertThat(stack.logto.state().organizationRolesOf(world.acme(), id)).containsExactly(world.admin());
        assertThat(run(stack, username, replace(unique("orr"), byId(id), world.acme()))
                        .getStatus())
                .isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().organizationRolesOf(world.acme(), id)).isEmpty();
    }

    @Test
    void revokeRemovesTheRoleAndAReplayOrANonMemberIsAlreadyApplied() {
        String username = unique("orv");
        String id = member(username);
        assertThat(run(stack, username, assign(unique("a"), byId(id), world.acme(), world.member(), world.admin()))
                        .getStatus())
                .isEqualTo(OutcomeStatus.SUCCEEDED);
        String key = unique("orv");

        CommandOutcome first = run(stack, username, revoke(key, byId(id), world.acme(), world.member()));
        CommandOutcome replay = run(
                stack,
                username,
                OrganizationRoleRevoke.newBuilder(revoke(key, byId(id), world.acme(), world.member()))
                        .setMeta(pastLedger(key))
                        .build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(first.getDetails()).doesNotContainKey("alreadyApplied");
        assertThat(stack.logto.state().organizationRolesOf(world.acme(), id)).containsExactly(world.admin());
        assertAlreadyApplied(replay, id);
        assertThat(applied(stack, id, "organization.member.roles.remove")).isEqualTo(1);

        assertAlreadyApplied(run(stack, username, revoke(unique("orv"), byId(id), world.globex(), world.member())), id);
        assertFailed(
                run(stack, "ghost", revoke(unique("orv"), byId("nosuchuser12"), world.acme(), world.member())),
                "user_not_found",
                404);
    }

    @Test
    void theIssuerPolicyLimitsAnIssuerToItsOrganizationRoles() {
        String username = unique("orp");
        String id = member(username);
        long requests = stack.logto.state().requestCount();

        CommandOutcome admin = run(
                stack,
                username,
                OrganizationRoleAssign.newBuilder(assign(unique("p"), byId(id), world.acme(), world.admin()))
                        .setMeta(metaFrom("acme-hr", unique("p")))
                        .build());
        CommandOutcome elsewhere = run(
                stack,
                username,
                OrganizationRoleAssign.newBuilder(assign(unique("p"), byId(id), world.globex(), world.member()))
                        .setMeta(metaFrom("acme-hr", unique("p")))
                        .build());
        CommandOutcome replaceAll = run(
                stack,
                username,
                OrganizationRolesReplace.newBuilder(replace(unique("p"), byId(id), world.acme(), world.member()))
                        .setMeta(metaFrom("acme-hr", unique("p")))
                        .build());

        for (CommandOutcome refused : List.of(admin, elsewhere, replaceAll)) {
            assertThat(refused.getStatus()).isEqualTo(OutcomeStatus.REJECTED);
            assertThat(refused.getErrorCode()).isEqualTo("not_authorized");
        }
        assertThat(admin.getErrorMessage()).contains("may not assign organization role " + world.admin());
        assertThat(replaceAll.getErrorMessage()).contains("organizations.roles.revoke [\"*\"]");
        assertThat(stack.logto.state().requestCount()).isEqualTo(requests);

        // Negative control: the role the issuer may hand out, in its organization, goes through.
        CommandOutcome allowed = run(
                stack,
                username,
                OrganizationRoleAssign.newBuilder(assign(unique("p"), byId(id), world.acme(), world.member()))
                        .setMeta(metaFrom("acme-hr", unique("p")))
                        .build());
        assertThat(allowed.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().organizationRolesOf(world.acme(), id)).containsExactly(world.member());
    }
}
