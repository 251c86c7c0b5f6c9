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

import dev.logtocp.commands.LogtoConfigUpdate;
import dev.logtocp.commands.UserCustomDataMerge;
import dev.logtocp.commands.UserDelete;
import dev.logtocp.commands.UserField;
import dev.logtocp.commands.UserProfileUpdate;
import dev.logtocp.commands.UserSuspend;
import dev.logtocp.commands.UserUpdate;
import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** UserUpdate, UserDelete, UserCustomDataMerge, UserProfileUpdate, UserSuspend and LogtoConfigUpdate end to end. */
class UserLifecycleIT {
    private static ProcessorStack stack;

    @BeforeAll
    static void start() {
        stack = ProcessorStack.start();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static JsonObject user(String id) {
        return stack.logto.state().user(id).orElseThrow();
    }

    // ---- UserUpdate ----------------------------------------------------------------------------------------------

    @Test
    void userUpdateSetsGivenFieldsAndClearsListedOnes() {
        String username = unique("upd");
        String id = createUser(stack, username);

        CommandOutcome outcome = run(
                stack,
                username,
                UserUpdate.newBuilder()
                        .setMeta(meta(unique("upd")))
                        .setUser(byUsername(username))
                        .setName("New Name")
                        .setAvatar("https://img.example/a.png")
                        .setClearFields(List.of(UserField.PRIMARY_EMAIL))
                        .build());

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(outcome.getUserId()).isEqualTo(id);
        assertThat(user(id).getString("name")).isEqualTo("New Name");
        assertThat(user(id).getString("avatar")).isEqualTo("https://img.example/a.png");
        assertThat(user(id).getString("primaryEmail")).isNull();
        assertThat(user(id).getString("username")).isEqualTo(username);
        AuditEvent audit = stack.auditEvents().stream()
                .filter(e -> e.getCommandId().equals(outcome.getCommandId()))
                .findFirst()
                .orElseThrow();
        assertThat(audit.getAction()).isEqualTo("user.update");
        assertThat(audit.getChangedFields()).containsExactlyInAnyOrder("primaryEmail", "name", "avatar");
    }

    @Test
    void replayingAUserUpdateChangesNothingMore() {
        String username = unique("updr");
        String id = createUser(stack, username);
        String key = unique("upd");
        UserUpdate command = UserUpdate.newBuilder()
                .setMeta(meta(key))
                .setUser(byId(id))
                .setName("Once")
                .build();
        assertThat(run(stack, username, command).getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);

        CommandOutcome replay = run(
                stack,
                username,
                UserUpdate.newBuilder(command).setMeta(pastLedger(key)).build());

        assertThat(replay.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(applied(stack, id, "user.update")).isEqualTo(1);
    }

    @Test
    void updatingToAUsernameAnotherUserHoldsFailsWithLogtosCode() {
        String taken = unique("held");
        createUser(stack, taken);
        String username = unique("wants");
        String id = createUser(stack, username);

        CommandOutcome outcome = run(
                stack,
                username,
                UserUpdate.newBuilder()
                        .setMeta(meta(unique("upd")))
                        .setUser(byId(id))
                        .setUsername(taken)
                        .build());

        assertFailed(outcome, "user.username_already_in_use", 422);
        assertThat(user(id).getString("username")).isEqualTo(username);
    }

    // ---- UserDelete ----------------------------------------------------------------------------------------------

    @Test
    void userDeleteRemovesTheUserAndAReplaySucceedsAsAlreadyApplied() {
        String username = unique("del");
        String id = createUser(stack, username);
        String key = unique("del");

        CommandOutcome first = run(
                stack,
                username,
                UserDelete.newBuilder().setMeta(meta(key)).setUser(byId(id)).build());
        CommandOutcome replay = run(
                stack,
                username,
                UserDelete.newBuilder()
                        .setMeta(pastLedger(key))
                        .setUser(byId(id))
                        .build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(first.getUserId()).isEqualTo(id);
        assertThat(stack.logto.state().user(id)).isEmpty();
        assertAlreadyApplied(replay, id);
        assertThat(applied(stack, id, "user.delete")).isEqualTo(1);
    }

    @Test
    void aReplayedDeleteByUsernameSucceedsAlthoughTheNameNoLongerResolves() {
        String username = unique("delu");
        String id = createUser(stack, username);
        String key = unique("del");
        assertThat(run(
                                stack,
                                username,
                                UserDelete.newBuilder()
                                        .setMeta(meta(key))
                                        .setUser(byUsername(username))
                                        .build())
                        .getStatus())
                .isEqualTo(OutcomeStatus.SUCCEEDED);

        CommandOutcome replay = run(
                stack,
                username,
                UserDelete.newBuilder()
                        .setMeta(pastLedger(key))
                        .setUser(byUsername(username))
                        .build());

        assertThat(replay.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(replay.getDetails()).containsEntry("alreadyApplied", "true");
        assertThat(applied(stack, id, "user.delete")).isEqualTo(1);
    }

    // ---- UserCustomDataMerge -------------------------------------------------------------------------------------

    @Test
    void customDataMergeAddsKeysKeepsOthersAndAReplayChangesNothing() {
        String username = unique("cd");
        String id = createUser(stack, username);
        String key = unique("cd");
        UserCustomDataMerge command = UserCustomDataMerge.newBuilder()
                .setMeta(meta(key))
                .setUser(byId(id))
                .setCustomDataJson("{\"plan\":\"pro\",\"seats\":3}")
                .build();

        CommandOutcome first = run(stack, username, command);
        CommandOutcome replay = run(
                stack,
                username,
                UserCustomDataMerge.newBuilder(command).setMeta(pastLedger(key)).build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        JsonObject customData = user(id).getJsonObject("customData");
        assertThat(customData.getString("plan")).isEqualTo("pro");
        assertThat(customData.getInteger("seats")).isEqualTo(3);
        assertThat(customData.containsKey("logtoCommandProcessor"))
                .as("the create marker survives")
                .isTrue();
        assertThat(replay.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(applied(stack, id, "user.customData.update")).isEqualTo(1);
    }

    // ---- UserProfileUpdate ---------------------------------------------------------------------------------------

    @Test
    void profileUpdateMergesClaimsAndAReplayChangesNothing() {
        String username = unique("prof");
        String id = createUser(stack, username);
        String key = unique("prof");
        UserProfileUpdate command = UserProfileUpdate.newBuilder()
                .setMeta(meta(key))
                .setUser(byId(id))
                .setProfileJson("{\"givenName\":\"Ada\",\"address\":{\"country\":\"GB\"}}")
                .build();

        CommandOutcome first = run(stack, username, command);
        CommandOutcome replay = run(
                stack,
                username,
                UserProfileUpdate.newBuilder(command).setMeta(pastLedger(key)).build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(user(id).getJsonObject("profile").getString("givenName")).isEqualTo("Ada");
        assertThat(user(id).getJsonObject("profile").getJsonObject("address").getString("country"))
                .isEqualTo("GB");
        assertThat(replay.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(applied(stack, id, "user.profile.update")).isEqualTo(1);
    }

    // ---- UserSuspend ---------------------------------------------------------------------------------------------

    @Test
    void suspendingTwiceSucceedsBothTimesAndChangesTheUserOnceThenReinstatingWorks() {
        String username = unique("susp");
        String id = createUser(stack, username);

        CommandOutcome first = run(
                stack,
                username,
                UserSuspend.newBuilder()
                        .setMeta(meta(unique("s")))
                        .setUser(byId(id))
                        .setSuspended(true)
                        .build());
        CommandOutcome again = run(
                stack,
                username,
                UserSuspend.newBuilder()
                        .setMeta(meta(unique("s")))
                        .setUser(byId(id))
                        .setSuspended(true)
                        .build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(again.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(user(id).getBoolean("isSuspended")).isTrue();
        assertThat(applied(stack, id, "user.suspend")).isEqualTo(1);

        assertThat(run(
                                stack,
                                username,
                                UserSuspend.newBuilder()
                                        .setMeta(meta(unique("s")))
                                        .setUser(byId(id))
                                        .setSuspended(false)
                                        .build())
                        .getStatus())
                .isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(user(id).getBoolean("isSuspended")).isFalse();
    }

    // ---- LogtoConfigUpdate ---------------------------------------------------------------------------------------

    @Test
    void logtoConfigUpdateChangesOnlyTheGivenSettingsAndAReplayChangesNothing() {
        String username = unique("cfg");
        String id = createUser(stack, username);
        String key = unique("cfg");
        LogtoConfigUpdate command = LogtoConfigUpdate.newBuilder()
                .setMeta(meta(key))
                .setUser(byId(id))
                .setMfaSkipped(true)
                .setPasskeySignInSkipped(true)
                .build();

        CommandOutcome first = run(stack, username, command);
        CommandOutcome replay = run(
                stack,
                username,
                LogtoConfigUpdate.newBuilder(command).setMeta(pastLedger(key)).build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        JsonObject configs = stack.logto.state().logtoConfigsOf(id).orElseThrow();
        assertThat(configs.getJsonObject("mfa").getBoolean("skipped")).isTrue();
        // Untouched: Logto shows mfa.enabled only once something set it.
        assertThat(configs.getJsonObject("mfa").containsKey("enabled")).isFalse();
        assertThat(configs.getJsonObject("passkeySignIn").getBoolean("skipped")).isTrue();
        assertThat(replay.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(applied(stack, id, "user.logtoConfigs.update")).isEqualTo(1);
    }
}
