package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.Fixtures.applied;
import static dev.logtocp.processor.it.Fixtures.assertAlreadyApplied;
import static dev.logtocp.processor.it.Fixtures.assertFailed;
import static dev.logtocp.processor.it.Fixtures.byId;
import static dev.logtocp.processor.it.Fixtures.createUser;
import static dev.logtocp.processor.it.Fixtures.run;
import static dev.logtocp.processor.it.ProcessorStack.meta;
import static dev.logtocp.processor.it.ProcessorStack.pastLedger;
import static dev.logtocp.processor.it.ProcessorStack.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.GrantRevoke;
import dev.logtocp.commands.RevokeGrantsTarget;
import dev.logtocp.commands.SessionRevoke;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.simulator.SeededSignIn;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GrantRevoke end to end, and the SessionRevoke replay the walking skeleton did not cover. */
class SessionAndGrantCommandsIT {
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
    void grantRevokeRemovesTheGrantAndAReplaySucceedsAsAlreadyApplied() {
        String username = unique("gr");
        String id = createUser(stack, username);
        String grant = stack.logto.createGrant(id, "app-1");
        String kept = stack.logto.createGrant(id, "app-2");
        String key = unique("gr");

        CommandOutcome first = run(
                stack,
                username,
                GrantRevoke.newBuilder()
                        .setMeta(meta(key))
                        .setUser(byId(id))
                        .setGrantId(grant)
                        .build());
        CommandOutcome replay = run(
                stack,
                username,
                GrantRevoke.newBuilder()
                        .setMeta(pastLedger(key))
                        .setUser(byId(id))
                        .setGrantId(grant)
                        .build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().grantsOf(id))
                .extracting(g -> ((io.vertx.core.json.JsonObject) g).getString("id"))
                .containsExactly(kept);
        assertAlreadyApplied(replay, id);
        assertThat(applied(stack, id, "user.grant.revoke")).isEqualTo(1);
    }

    @Test
    void aReplayedSessionRevokeSucceedsAsAlreadyApplied() {
        String username = unique("ss");
        String id = createUser(stack, username);
        String session = stack.logto.createSession(id);
        String key = unique("ss");

        run(
                stack,
                username,
                SessionRevoke.newBuilder()
                        .setMeta(meta(key))
                        .setUser(byId(id))
                        .setSessionId(session)
                        .build());
        CommandOutcome replay = run(
                stack,
                username,
                SessionRevoke.newBuilder()
                        .setMeta(pastLedger(key))
                        .setUser(byId(id))
                        .setSessionId(session)
                        .build());

        assertAlreadyApplied(replay, id);
        assertThat(applied(stack, id, "user.session.revoke")).isEqualTo(1);
    }

    @Test
    void aSessionIsRevokedByItsUidWithTheGrantItNamesAndOtherSessionsStay() {
        String username = unique("su");
        String id = createUser(stack, username);
        SeededSignIn revoked = stack.logto.signIn(id, "app-1", false);
        SeededSignIn kept = stack.logto.signIn(id, "app-2", false);

        CommandOutcome outcome = run(
                stack,
                username,
                SessionRevoke.newBuilder()
                        .setMeta(meta(unique("su")))
                        .setUser(byId(id))
                        .setSessionId(revoked.sessionUid())
                        .setRevokeGrantsTarget(RevokeGrantsTarget.FIRST_PARTY)
                        .build());

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(outcome.getDetails()).doesNotContainKey("alreadyApplied");
        assertThat(stack.logto.state().sessionsOf(id)).extracting(sessionUid()).containsExactly(kept.sessionUid());
        assertThat(stack.logto.state().grantsOf(id))
                .extracting(g -> ((JsonObject) g).getString("id"))
                .containsExactly(kept.grantId());
    }

    /** A producer that took the session's jti from the list still signs the user out: the jti is resolved to its uid. */
    @Test
    void aSessionAddressedByItsJtiIsResolvedToItsUidAndRevoked() {
        String username = unique("sj");
        String id = createUser(stack, username);
        SeededSignIn signIn = stack.logto.signIn(id, "app-1", false);

        CommandOutcome outcome = run(
                stack,
                username,
                SessionRevoke.newBuilder()
                        .setMeta(meta(unique("sj")))
                        .setUser(byId(id))
                        .setSessionId(signIn.sessionJti())
                        .build());

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(outcome.getDetails()).containsEntry("sessionIdKind", "jti").doesNotContainKey("alreadyApplied");
        assertThat(stack.logto.state().sessionsOf(id)).isEmpty();
        assertThat(applied(stack, id, "user.session.revoke")).isEqualTo(1);
    }

    @Test
    void anotherUsersSessionIsNotRevokedAndTheOutcomeSaysWhy() {
        String owner = createUser(stack, unique("so"));
        String username = unique("sx");
        String id = createUser(stack, username);
        SeededSignIn signIn = stack.logto.signIn(owner, "app-1", false);

        assertFailed(
                run(
                        stack,
                        username,
                        SessionRevoke.newBuilder()
                                .setMeta(meta(unique("sx")))
                                .setUser(byId(id))
                                .setSessionId(signIn.sessionUid())
                                .build()),
                "oidc.invalid_session_account_id",
                404);
        assertThat(stack.logto.state().sessionsOf(owner)).hasSize(1);
    }

    private static Function<Object, String> sessionUid() {
        return s -> ((JsonObject) s).getJsonObject("payload").getString("uid");
    }
}
