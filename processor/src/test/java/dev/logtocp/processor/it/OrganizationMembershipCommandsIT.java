package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.Fixtures.applied;
import static dev.logtocp.processor.it.Fixtures.assertAlreadyApplied;
import static dev.logtocp.processor.it.Fixtures.assertFailed;
import static dev.logtocp.processor.it.Fixtures.byId;
import static dev.logtocp.processor.it.Fixtures.byUsername;
import static dev.logtocp.processor.it.Fixtures.createUser;
import static dev.logtocp.processor.it.Fixtures.run;
import static dev.logtocp.processor.it.OrganizationFixtures.join;
import static dev.logtocp.processor.it.OrganizationFixtures.metaFrom;
import static dev.logtocp.processor.it.ProcessorStack.meta;
import static dev.logtocp.processor.it.ProcessorStack.pastLedger;
import static dev.logtocp.processor.it.ProcessorStack.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.OrganizationMembershipAdd;
import dev.logtocp.commands.OrganizationMembershipRemove;
import dev.logtocp.commands.OrganizationMembershipsReplace;
import dev.logtocp.commands.OrganizationRoleAssign;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.commands.UserDelete;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.simulator.FaultRule;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OrganizationMembershipAdd, OrganizationMembershipRemove and OrganizationMembershipsReplace end to end. */
class OrganizationMembershipCommandsIT {
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

    private static OrganizationMembershipAdd add(String key, UserRef user, String organizationId) {
        return OrganizationMembershipAdd.newBuilder()
                .setMeta(meta(key))
                .setUser(user)
                .setOrganizationId(organizationId)
                .build();
    }

    private static OrganizationMembershipRemove remove(String key, UserRef user, String organizationId) {
        return OrganizationMembershipRemove.newBuilder()
                .setMeta(meta(key))
                .setUser(user)
                .setOrganizationId(organizationId)
                .build();
    }

    private static OrganizationMembershipsReplace replace(String key, UserRef user, String... organizationIds) {
        return OrganizationMembershipsReplace.newBuilder()
                .setMeta(meta(key))
                .setUser(user)
                .setOrganizationIds(List.of(organizationIds))
                .build();
    }

    @Test
    void addMakesTheUserAMemberAndAReplayPastTheLedgerChangesNothing() {
        String username = unique("oa");
        String id = createUser(stack, username);
        String key = unique("oa");

        CommandOutcome first = run(stack, username, add(key, byUsername(username), world.acme()));
        CommandOutcome replay = run(
                stack,
                username,
                OrganizationMembershipAdd.newBuilder(add(key, byUsername(username), world.acme()))
                        .setMeta(pastLedger(key))
                        .build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(first.getUserId()).isEqualTo(id);
        assertThat(first.getDetails()).containsEntry("organizationId", world.acme());
        assertThat(replay.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().organizationsOf(id)).containsExactly(world.acme());
        assertThat(applied(stack, id, "organization.member.add")).isEqualTo(1);
        AuditEvent audit = stack.auditEvents().stream()
                .filter(e -> e.getCommandId().equals(first.getCommandId()))
                .findFirst()
                .orElseThrow();
        assertThat(audit.getAction()).isEqualTo("user.organization.add");
        assertThat(audit.getTargetUserId()).isEqualTo(id);
        assertThat(audit.getChangedFields()).containsExactly("organizations");
    }

    @Test
    void anAddWhoseAnswerIsLostIsRetriedAndAppliedOnce() {
        String username = unique("oat");
        String id = createUser(stack, username);
        stack.logto
                .faults()
                .seed(3)
                .add(FaultRule.ambiguousTimeout(1.0)
                        .onPath("^/api/organizations/" + world.globex() + "/users$")
                        .onMethod("POST"));
        String commandId = stack.send(username, add(unique("oat"), byId(id), world.globex()));
        // The first POST is applied but never answered; let the retry through.
        OrganizationFixtures.await(() -> stack.logto.state().organizationsOf(id).contains(world.globex()));
        stack.logto.faults().clear();

        CommandOutcome outcome = stack.awaitOutcome(commandId);

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(outcome.getAttempts()).isGreaterThan(1);
        assertThat(applied(stack, id, "organization.member.add")).isEqualTo(1);
    }

    @Test
    void anAddToAnUnknownOrganizationOrForAMissingUserFailsWithoutChangingAnything() {
        String username = unique("oaf");
        String id = createUser(stack, username);
        String deleted = unique("oad");
        String deletedId = createUser(stack, deleted);
        assertThat(run(
                                stack,
                                deleted,
                                UserDelete.newBuilder()
                                        .setMeta(meta(unique("del")))
                                        .setUser(byId(deletedId))
                                        .build())
                        .getStatus())
                .isEqualTo(OutcomeStatus.SUCCEEDED);

        assertFailed(run(stack, username, add(unique("oaf"), byId(id), "nosuchorg123")), "organization_not_found", 422);
        assertFailed(run(stack, deleted, add(unique("oaf"), byId(deletedId), world.acme())), "user_not_found", 404);
        CommandOutcome nobody = run(stack, "ghost", add(unique("oaf"), byUsername(unique("ghost")), world.acme()));
        assertThat(nobody.getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(nobody.getErrorCode()).isEqualTo("user_not_found");
        assertThat(stack.logto.state().organizationsOf(id)).isEmpty();
    }

    @Test
    void anExternalIdReferenceIsResolvedFromTheProcessorsOwnMap() {
        String externalId = unique("ext");
        CommandOutcome created = run(
                stack,
                externalId,
                UserCreate.newBuilder()
                        .setMeta(meta(unique("create")))
                        .setExternalId(externalId)
                        .setUsername(unique("oe"))
                        .build());
        assertThat(created.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);

        CommandOutcome outcome = run(
                stack, externalId, add(unique("oe"), new UserRef(UserRefKind.EXTERNAL_ID, externalId), world.acme()));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().organizationsOf(created.getUserId())).containsExactly(world.acme());
    }

    @Test
    void removeEndsTheMembershipWithItsRolesAndAReplayIsAlreadyApplied() {
        String username = unique("or");
        String id = createUser(stack, username);
        join(stack, username, byId(id), world.acme());
        assertThat(run(
                                stack,
                                username,
                                OrganizationRoleAssign.newBuilder()
                                        .setMeta(meta(unique("ra")))
                                        .setUser(byId(id))
                                        .setOrganizationId(world.acme())
                                        .setOrganizationRoleIds(List.of(world.member()))
                                        .build())
                        .getStatus())
                .isEqualTo(OutcomeStatus.SUCCEEDED);
        String key = unique("or");

        CommandOutcome first = run(stack, username, remove(key, byId(id), world.acme()));
        CommandOutcome replay = run(
                stack,
                username,
                OrganizationMembershipRemove.newBuilder(remove(key, byId(id), world.acme()))
                        .setMeta(pastLedger(key))
                        .build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(first.getDetails()).doesNotContainKey("alreadyApplied");
        assertThat(stack.logto.state().organizationsOf(id)).isEmpty();
        assertThat(stack.logto.state().organizationRolesOf(world.acme(), id)).isEmpty();
        assertAlreadyApplied(replay, id);
        assertThat(applied(stack, id, "organization.member.remove")).isEqualTo(1);
    }

    @Test
    void removingANonMemberSucceedsAsAlreadyAppliedAndAMissingUserFails() {
        String username = unique("orn");
        String id = createUser(stack, username);

        assertAlreadyApplied(run(stack, username, remove(unique("orn"), byId(id), world.globex())), id);
        assertAlreadyApplied(run(stack, username, remove(unique("orn"), byId(id), "nosuchorg123")), id);
        assertFailed(
                run(stack, "ghost", remove(unique("orn"), byId("nosuchuser12"), world.acme())), "user_not_found", 404);
        assertThat(applied(stack, id, "organization.member.remove")).isZero();
    }

    @Test
    void replaceLeavesExactlyTheGivenMembershipsAndAReplayPastTheLedgerChangesNothing() {
        String username = unique("omr");
        String id = createUser(stack, username);
        String third = stack.logto.createOrganization("initech");
        join(stack, username, byId(id), world.acme());
        join(stack, username, byId(id), world.globex());
        String key = unique("omr");

        CommandOutcome first = run(stack, username, replace(key, byUsername(username), world.globex(), third));
        long mutationsAfterFirst = stack.logto.state().mutationsForUser(id).size();
        CommandOutcome replay = run(
                stack,
                username,
                OrganizationMembershipsReplace.newBuilder(replace(key, byUsername(username), world.globex(), third))
                        .setMeta(pastLedger(key))
                        .build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(first.getDetails()).containsEntry("added", third).containsEntry("removed", world.acme());
        assertThat(stack.logto.state().organizationsOf(id)).containsExactlyInAnyOrder(world.globex(), third);
        assertThat(replay.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(replay.getDetails()).containsEntry("added", "").containsEntry("removed", "");
        assertThat(stack.logto.state().mutationsForUser(id)).hasSize((int) mutationsAfterFirst);

        assertThat(run(stack, username, replace(unique("omr"), byId(id))).getStatus())
                .isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().organizationsOf(id)).isEmpty();
    }

    @Test
    void aReplaceNamingAnUnknownOrganizationChangesNothing() {
        String username = unique("omu");
        String id = createUser(stack, username);
        join(stack, username, byId(id), world.acme());

        CommandOutcome outcome = run(stack, username, replace(unique("omu"), byId(id), world.globex(), "nosuchorg123"));

        assertFailed(outcome, "organization_not_found", 404);
        assertThat(stack.logto.state().organizationsOf(id)).containsExactly(world.acme());
        assertFailed(
                run(stack, "ghost", replace(unique("omu"), byId("nosuchuser12"), world.acme())), "user_not_found", 404);
    }

    @Test
    void userDeleteEndsTheUsersMembershipsAndSessions() {
        String username = unique("odel");
        String id = createUser(stack, username);
        join(stack, username, byId(id), world.acme());
        stack.logto.createSession(id);

        CommandOutcome deleted = run(
                stack,
                username,
                UserDelete.newBuilder()
                        .setMeta(meta(unique("del")))
                        .setUser(byId(id))
                        .build());

        assertThat(deleted.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().organizationsOf(id)).isEmpty();
        assertThat(stack.logto.state().sessionsOf(id)).isEmpty();
    }

    @Test
    void theIssuerPolicyLimitsAnIssuerToItsOrganizations() {
        String username = unique("opol");
        String id = createUser(stack, username);
        long requests = stack.logto.state().requestCount();

        CommandOutcome elsewhere = run(
                stack,
                username,
                OrganizationMembershipAdd.newBuilder()
                        .setMeta(metaFrom("acme-hr", unique("p")))
                        .setUser(byId(id))
                        .setOrganizationId(world.globex())
                        .build());
        CommandOutcome everywhere = run(
                stack,
                username,
                OrganizationMembershipsReplace.newBuilder()
                        .setMeta(metaFrom("acme-hr", unique("p")))
                        .setUser(byId(id))
                        .setOrganizationIds(List.of(world.acme()))
                        .build());
        CommandOutcome removal = run(
                stack,
                username,
                OrganizationMembershipRemove.newBuilder()
                        .setMeta(metaFrom("acme-hr", unique("p")))
                        .setUser(byId(id))
                        .setOrganizationId(world.acme())
                        .build());

        for (CommandOutcome refused : List.of(elsewhere, everywhere, removal)) {
            assertThat(refused.getStatus()).isEqualTo(OutcomeStatus.REJECTED);
            assertThat(refused.getErrorCode()).isEqualTo("not_authorized");
        }
        assertThat(elsewhere.getErrorMessage()).contains("may not change organization " + world.globex());
        assertThat(everywhere.getErrorMessage()).contains("organizations.ids [\"*\"]");
        assertThat(removal.getErrorMessage()).contains("organizations.roles.revoke [\"*\"]");
        assertThat(stack.logto.state().requestCount()).isEqualTo(requests);

        // Negative control: the same issuer may add to its own organization.
        CommandOutcome allowed = run(
                stack,
                username,
                OrganizationMembershipAdd.newBuilder()
                        .setMeta(metaFrom("acme-hr", unique("p")))
                        .setUser(byId(id))
                        .setOrganizationId(world.acme())
                        .build());
        assertThat(allowed.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().organizationsOf(id)).containsExactly(world.acme());
    }
}
