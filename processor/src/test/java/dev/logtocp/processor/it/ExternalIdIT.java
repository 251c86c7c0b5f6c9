package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.ProcessorStack.meta;
import static dev.logtocp.processor.it.ProcessorStack.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.RoleAssign;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.commands.UserDelete;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Users named by the upstream id given at UserCreate, through the processor's durable externalId map. */
class ExternalIdIT {
    private static ProcessorStack stack;
    private static String roleId;

    @BeforeAll
    static void start() {
        stack = ProcessorStack.start();
        roleId = stack.logto.createRole(unique("ext-role"));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static CommandOutcome create(String externalId, String username) {
        return stack.awaitOutcome(stack.send(
                externalId,
                UserCreate.newBuilder()
                        .setMeta(meta("create-" + username))
                        .setUsername(username)
                        .setExternalId(externalId)
                        .build()));
    }

    private static CommandOutcome assignRole(String externalId) {
        return stack.awaitOutcome(stack.send(
                externalId,
                RoleAssign.newBuilder()
                        .setMeta(meta(unique("role")))
                        .setUser(new UserRef(UserRefKind.EXTERNAL_ID, externalId))
                        .setRoleIds(List.of(roleId))
                        .build()));
    }

    @Test
    void aCommandCanNameTheUserByTheExternalIdGivenAtCreateAlsoAfterARestart() {
        String externalId = unique("crm-42");
        String userId = create(externalId, unique("ext")).getUserId();

        CommandOutcome first = assignRole(externalId);
        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(first.getUserId()).isEqualTo(userId);

        stack.restartProcessor();
        CommandOutcome afterRestart = assignRole(externalId);
        assertThat(afterRestart.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(afterRestart.getUserId()).isEqualTo(userId);
        assertThat(stack.logto.state().rolesOf(userId)).containsExactly(roleId);
    }

    @Test
    void anUnknownExternalIdFailsWithoutAWrite() {
        long mutations = stack.logto.state().mutations().size();

        CommandOutcome outcome = assignRole(unique("nobody"));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(outcome.getErrorCode()).isEqualTo("user_not_found");
        assertThat(stack.logto.state().mutations()).hasSize((int) mutations);
    }

    @Test
    void anExternalIdStaysWithItsUser() {
        String externalId = unique("crm-7");
        String owner = create(externalId, unique("owner")).getUserId();
        long creates = stack.logto.state().count("user.create");

        CommandOutcome second = create(externalId, unique("intruder"));

        assertThat(second.getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(second.getErrorCode()).isEqualTo("external_id_in_use");
        assertThat(second.getUserId()).isEqualTo(owner);
        assertThat(stack.logto.state().count("user.create"))
                .as("no user created")
                .isEqualTo(creates);
    }

    @Test
    void deletingByExternalIdReleasesIt() {
        String externalId = unique("crm-9");
        create(externalId, unique("leaving"));

        CommandOutcome deleted = stack.awaitOutcome(stack.send(
                externalId,
                UserDelete.newBuilder()
                        .setMeta(meta(unique("del")))
                        .setUser(new UserRef(UserRefKind.EXTERNAL_ID, externalId))
                        .build()));
        assertThat(deleted.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);

        CommandOutcome after = assignRole(externalId);
        assertThat(after.getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(after.getErrorCode()).isEqualTo("user_not_found");
        CommandOutcome recreated = create(externalId, unique("returning"));
        assertThat(recreated.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
    }
}
