package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.Fixtures.applied;
import static dev.logtocp.processor.it.Fixtures.assertAlreadyApplied;
import static dev.logtocp.processor.it.Fixtures.assertFailed;
import static dev.logtocp.processor.it.Fixtures.assertRejectedWithoutLogtoCall;
import static dev.logtocp.processor.it.Fixtures.byId;
import static dev.logtocp.processor.it.Fixtures.createUser;
import static dev.logtocp.processor.it.Fixtures.run;
import static dev.logtocp.processor.it.ProcessorStack.meta;
import static dev.logtocp.processor.it.ProcessorStack.pastLedger;
import static dev.logtocp.processor.it.ProcessorStack.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.GrantRevoke;
import dev.logtocp.commands.SessionRevoke;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
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

        CommandOutcome first = run(stack, username, GrantRevoke.newBuilder().setMeta(meta(key)).setUser(byId(id)).setGrantId(grant).build());
        CommandOutcome replay = run(stack, username, GrantRevoke.newBuilder().setMeta(pastLedger(key)).setUser(byId(id)).setGrantId(grant).build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().grantsOf(id)).extracting(g -> ((io.vertx.core.json.JsonObject) g).getString("id")).containsExactly(kept);
        assertAlreadyApplied(replay, id);
        assertThat(applied(stack, id, "user.grant.revoke")).isEqualTo(1);
    }

    @Test
    void revokingAGrantOfAMissingUserFailsWithUserNotFound() {
        assertFailed(run(stack, "ghost", GrantRevoke.newBuilder().setMeta(meta(unique("gr"))).setUser(byId("nosuchuser12"))
                .setGrantId("nosuchgrant").build()), "user_not_found", 404);
    }

    @Test
    void aGrantRevokeWithoutGrantIdIsRejectedWithoutCallingLogto() {
        assertThat(assertRejectedWithoutLogtoCall(stack, "bad", GrantRevoke.newBuilder().setMeta(meta(unique("gr")))
                .setUser(byId("someone12345")).setGrantId(" ").build())).containsExactly("grantId");
    }

    @Test
    void aReplayedSessionRevokeSucceedsAsAlreadyApplied() {
        String username = unique("ss");
        String id = createUser(stack, username);
        String session = stack.logto.createSession(id);
        String key = unique("ss");

        run(stack, username, SessionRevoke.newBuilder().setMeta(meta(key)).setUser(byId(id)).setSessionId(session).build());
        CommandOutcome replay = run(stack, username, SessionRevoke.newBuilder().setMeta(pastLedger(key)).setUser(byId(id)).setSessionId(session).build());

        assertAlreadyApplied(replay, id);
        assertThat(applied(stack, id, "user.session.revoke")).isEqualTo(1);
    }
}
