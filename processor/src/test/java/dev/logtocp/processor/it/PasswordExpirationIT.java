package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.Fixtures.applied;
import static dev.logtocp.processor.it.Fixtures.assertFailed;
import static dev.logtocp.processor.it.Fixtures.byId;
import static dev.logtocp.processor.it.Fixtures.byUsername;
import static dev.logtocp.processor.it.Fixtures.run;
import static dev.logtocp.processor.it.ProcessorStack.meta;
import static dev.logtocp.processor.it.ProcessorStack.pastLedger;
import static dev.logtocp.processor.it.ProcessorStack.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.PasswordExpirationSet;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PasswordExpirationSet end to end, with the sign-in experience's expiration policy off (Logto's default) and on. The
 * users have a password: a real Logto shows an expired password only to a password sign-in.
 */
class PasswordExpirationIT {
    private static final String PASSWORD = "Expiry-Check-1";
    private static ProcessorStack stack;

    @BeforeAll
    static void start() {
        stack = ProcessorStack.start();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @AfterEach
    void policyOff() {
        stack.logto.setPasswordExpirationEnabled(false);
    }

    private static String createUser(ProcessorStack stack, String username) {
        CommandOutcome outcome = run(
                stack,
                username,
                UserCreate.newBuilder()
                        .setMeta(meta("create-" + username))
                        .setUsername(username)
                        .setPassword(PASSWORD)
                        .build());
        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        return outcome.getUserId();
    }

    private static PasswordExpirationSet expire(String key, UserRef user, boolean expired) {
        return PasswordExpirationSet.newBuilder()
                .setMeta(meta(key))
                .setUser(user)
                .setIsExpired(expired)
                .build();
    }

    @Test
    void expiringNeedsThePolicyAndFailsWithLogtosCodeWhileItIsOff() {
        String username = unique("pe");
        String id = createUser(stack, username);

        CommandOutcome refused = run(stack, username, expire(unique("pe"), byId(id), true));
        CommandOutcome cleared = run(stack, username, expire(unique("pe"), byId(id), false));

        assertFailed(refused, "sign_in_experiences.password_expiration_not_enabled", 400);
        assertThat(cleared.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(cleared.getDetails()).containsEntry("isExpired", "false");
        assertThat(stack.logto.state().passwordExpired(id, PASSWORD)).isFalse();
    }

    @Test
    void expiringMarksThePasswordAndAReplayPastTheLedgerChangesNothing() {
        stack.logto.setPasswordExpirationEnabled(true);
        String username = unique("pex");
        String id = createUser(stack, username);
        String key = unique("pex");

        CommandOutcome first = run(stack, username, expire(key, byUsername(username), true));
        CommandOutcome replay = run(
                stack,
                username,
                PasswordExpirationSet.newBuilder(expire(key, byUsername(username), true))
                        .setMeta(pastLedger(key))
                        .build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(first.getUserId()).isEqualTo(id);
        assertThat(first.getDetails()).containsEntry("isExpired", "true");
        assertThat(replay.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().passwordExpired(id, PASSWORD)).isTrue();
        assertThat(applied(stack, id, "user.password.expiration")).isEqualTo(1);

        assertThat(run(stack, username, expire(unique("pex"), byId(id), false)).getStatus())
                .isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().passwordExpired(id, PASSWORD)).isFalse();
        assertThat(applied(stack, id, "user.password.expiration")).isEqualTo(2);
    }
}
