package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.Fixtures.applied;
import static dev.logtocp.processor.it.Fixtures.assertAlreadyApplied;
import static dev.logtocp.processor.it.Fixtures.assertFailed;
import static dev.logtocp.processor.it.Fixtures.byId;
import static dev.logtocp.processor.it.Fixtures.byUsername;
import static dev.logtocp.processor.it.Fixtures.createUser;
import static dev.logtocp.processor.it.Fixtures.run;
import static dev.logtocp.processor.it.ProcessorStack.meta;
import static dev.logtocp.processor.it.ProcessorStack.pastLedger;
import static dev.logtocp.processor.it.ProcessorStack.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.RoleAssign;
import dev.logtocp.commands.RoleRevoke;
import dev.logtocp.commands.RolesReplace;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RolesReplace and RoleRevoke end to end. */
class RoleCommandsIT {
    private static ProcessorStack stack;

    @BeforeAll
    static void start() {
        stack = ProcessorStack.start();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static void assign(String username, String userId, String roleId) {
        assertThat(run(
                                stack,
                                username,
                                RoleAssign.newBuilder()
                                        .setMeta(meta(unique("assign")))
                                        .setUser(byId(userId))
                                        .setRoleIds(List.of(roleId))
                                        .build())
                        .getStatus())
                .isEqualTo(OutcomeStatus.SUCCEEDED);
    }

    @Test
    void rolesReplaceLeavesExactlyTheGivenRolesAndAReplayChangesNothing() {
        String username = unique("rr");
        String id = createUser(stack, username);
        String old = stack.logto.createRole(unique("old"));
        String a = stack.logto.createRole(unique("a"));
        String b = stack.logto.createRole(unique("b"));
        assign(username, id, old);
        String key = unique("rr");
        RolesReplace command = RolesReplace.newBuilder()
                .setMeta(meta(key))
                .setUser(byUsername(username))
                .setRoleIds(List.of(a, b))
                .build();

        CommandOutcome first = run(stack, username, command);
        CommandOutcome replay = run(
                stack,
                username,
                RolesReplace.newBuilder(command).setMeta(pastLedger(key)).build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(first.getUserId()).isEqualTo(id);
        assertThat(stack.logto.state().rolesOf(id)).containsExactlyInAnyOrder(a, b);
        assertThat(replay.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(applied(stack, id, "user.roles.replace")).isEqualTo(1);
    }

    @Test
    void replacingWithAnEmptyListRemovesEveryRole() {
        String username = unique("rre");
        String id = createUser(stack, username);
        assign(username, id, stack.logto.createRole(unique("gone")));

        CommandOutcome outcome = run(
                stack,
                username,
                RolesReplace.newBuilder()
                        .setMeta(meta(unique("rr")))
                        .setUser(byId(id))
                        .setRoleIds(List.of())
                        .build());

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().rolesOf(id)).isEmpty();
    }

    @Test
    void replacingWithAnUnknownOrMachineRoleFailsWithLogtosCodeAndKeepsTheOldRoles() {
        String username = unique("rrf");
        String id = createUser(stack, username);
        String kept = stack.logto.createRole(unique("kept"));
        assign(username, id, kept);
        String m2m = stack.logto.createMachineToMachineRole(unique("m2m"));

        CommandOutcome unknown = run(
                stack,
                username,
                RolesReplace.newBuilder()
                        .setMeta(meta(unique("rr")))
                        .setUser(byId(id))
                        .setRoleIds(List.of("nosuchrole"))
                        .build());
        CommandOutcome machine = run(
                stack,
                username,
                RolesReplace.newBuilder()
                        .setMeta(meta(unique("rr")))
                        .setUser(byId(id))
                        .setRoleIds(List.of(m2m))
                        .build());

        assertFailed(unknown, "entity.not_exists_with_id", 404);
        assertFailed(machine, "user.invalid_role_type", 422);
        // Logto's PUT would have deleted `kept` before failing on the machine role: the processor checks first.
        assertThat(stack.logto.state().rolesOf(id)).containsExactly(kept);
        assertThat(stack.logto.state().mutationsForUser(id))
                .noneMatch(m -> m.operation().equals("user.roles.replace"));
    }

    @Test
    void roleRevokeRemovesTheRoleAndAReplaySucceedsAsAlreadyApplied() {
        String username = unique("rv");
        String id = createUser(stack, username);
        String role = stack.logto.createRole(unique("rv"));
        String other = stack.logto.createRole(unique("stay"));
        assign(username, id, role);
        assign(username, id, other);
        String key = unique("rv");

        CommandOutcome first = run(
                stack,
                username,
                RoleRevoke.newBuilder()
                        .setMeta(meta(key))
                        .setUser(byId(id))
                        .setRoleId(role)
                        .build());
        CommandOutcome replay = run(
                stack,
                username,
                RoleRevoke.newBuilder()
                        .setMeta(pastLedger(key))
                        .setUser(byId(id))
                        .setRoleId(role)
                        .build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(first.getDetails()).doesNotContainKey("alreadyApplied");
        assertThat(stack.logto.state().rolesOf(id)).containsExactly(other);
        assertAlreadyApplied(replay, id);
        assertThat(applied(stack, id, "user.roles.remove")).isEqualTo(1);
    }
}
