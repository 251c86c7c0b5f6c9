package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.Fixtures.applied;
import static dev.logtocp.processor.it.Fixtures.run;
import static dev.logtocp.processor.it.ProcessorStack.meta;
import static dev.logtocp.processor.it.ProcessorStack.pastLedger;
import static dev.logtocp.processor.it.ProcessorStack.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.UserCreate;
import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** UserCreate.profileJson end to end. */
class UserCreateProfileIT {
    private static ProcessorStack stack;

    @BeforeAll
    static void start() {
        stack = ProcessorStack.start();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void theProfileIsStoredAtCreationAndAReplayPastTheLedgerCreatesNoSecondUser() {
        String username = unique("prof");
        String key = unique("prof");
        String profile = "{\"givenName\":\"Ada\",\"familyName\":\"Lovelace\",\"address\":{\"country\":\"GB\"}}";
        UserCreate create = UserCreate.newBuilder()
                .setMeta(meta(key))
                .setUsername(username)
                .setProfileJson(profile)
                .build();

        CommandOutcome first = run(stack, username, create);
        CommandOutcome replay = run(
                stack,
                username,
                UserCreate.newBuilder(create).setMeta(pastLedger(key)).build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().user(first.getUserId()).orElseThrow().getJsonObject("profile"))
                .isEqualTo(new JsonObject(profile));
        assertThat(replay.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(replay.getUserId()).isEqualTo(first.getUserId());
        assertThat(replay.getDetails()).containsEntry("alreadyApplied", "true");
        assertThat(applied(stack, first.getUserId(), "user.create")).isEqualTo(1);
        AuditEvent audit = stack.auditEvents().stream()
                .filter(e -> e.getCommandId().equals(first.getCommandId()))
                .findFirst()
                .orElseThrow();
        assertThat(audit.getChangedFields()).contains("profile");
    }

    @Test
    void theSamePayloadAgainIsADuplicateAndAnotherProfileUnderTheSameKeyIsRefused() {
        String username = unique("profd");
        String key = unique("profd");
        UserCreate create = UserCreate.newBuilder()
                .setMeta(meta(key))
                .setUsername(username)
                .setProfileJson("{\"nickname\":\"ada\"}")
                .build();
        assertThat(run(stack, username, create).getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);

        CommandOutcome again = run(
                stack,
                username,
                UserCreate.newBuilder(create).setMeta(meta(key)).build());
        CommandOutcome changed = run(
                stack,
                username,
                UserCreate.newBuilder(create)
                        .setMeta(meta(key))
                        .setProfileJson("{\"nickname\":\"bea\"}")
                        .build());

        assertThat(again.getStatus()).isEqualTo(OutcomeStatus.DUPLICATE);
        assertThat(changed.getStatus()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(changed.getErrorCode()).isEqualTo("idempotency_key_reuse");
    }
}
