package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.Fixtures.applied;
import static dev.logtocp.processor.it.Fixtures.byId;
import static dev.logtocp.processor.it.Fixtures.byUsername;
import static dev.logtocp.processor.it.Fixtures.createUser;
import static dev.logtocp.processor.it.Fixtures.run;
import static dev.logtocp.processor.it.ProcessorStack.meta;
import static dev.logtocp.processor.it.ProcessorStack.pastLedger;
import static dev.logtocp.processor.it.ProcessorStack.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.PasswordAlgorithm;
import dev.logtocp.commands.PasswordSet;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PasswordSet, and password digests imported with UserCreate. */
class PasswordCommandsIT {
    /** MD5 of "password": a digest the simulator can verify. */
    private static final String MD5_OF_PASSWORD = "5f4dcc3b5aa765d61d8327deb882cf99";

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
    void passwordSetGivesTheUserThatPassword() {
        String username = unique("pw");
        String id = createUser(stack, username);

        CommandOutcome outcome = run(
                stack,
                username,
                PasswordSet.newBuilder()
                        .setMeta(meta(unique("pw")))
                        .setUser(byUsername(username))
                        .setPassword("Corr3ct-Horse")
                        .build());

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(outcome.getUserId()).isEqualTo(id);
        assertThat(stack.logto.state().passwordMatches(id, "Corr3ct-Horse")).isTrue();
        assertThat(stack.logto.state().passwordMatches(id, "something-else")).isFalse();
    }

    @Test
    void aReplayedPasswordSetLeavesTheSamePasswordInPlace() {
        String username = unique("pwr");
        String id = createUser(stack, username);
        String key = unique("pw");
        PasswordSet command = PasswordSet.newBuilder()
                .setMeta(meta(key))
                .setUser(byId(id))
                .setPassword("Once-Only-9")
                .build();
        assertThat(run(stack, username, command).getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);

        CommandOutcome replay = run(
                stack,
                username,
                PasswordSet.newBuilder(command).setMeta(pastLedger(key)).build());

        // Logto re-hashes on every PATCH (new salt), so the simulator counts a second write; what a user can
        // observe, the password that signs in, is unchanged.
        assertThat(replay.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().passwordMatches(id, "Once-Only-9")).isTrue();
        assertThat(applied(stack, id, "user.password.set")).isEqualTo(2);
    }

    @Test
    void userCreateImportsAPasswordDigest() {
        String username = unique("dig");

        CommandOutcome outcome = run(
                stack,
                username,
                UserCreate.newBuilder()
                        .setMeta(meta(unique("dig")))
                        .setUsername(username)
                        .setPasswordDigest(MD5_OF_PASSWORD)
                        .setPasswordAlgorithm(PasswordAlgorithm.MD5)
                        .build());

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().passwordMatches(outcome.getUserId(), "password"))
                .isTrue();
    }
}
