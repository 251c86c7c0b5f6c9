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

import dev.logtocp.commands.IdentityLink;
import dev.logtocp.commands.IdentityReplace;
import dev.logtocp.commands.IdentityUnlink;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * IdentityLink, IdentityReplace and IdentityUnlink end to end. Links go through Logto's mock social connector
 * ({@value #CONNECTOR}: its target has the same name, {@code connectorData.userId} is the social user id and
 * {@code code} is required), which the simulator imitates and a real Logto has installed for these tests.
 */
class IdentityCommandsIT {
    private static final String CONNECTOR = RealLogto.MOCK_SOCIAL;
    private static ProcessorStack stack;

    @BeforeAll
    static void start() {
        stack = ProcessorStack.start();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static JsonObject identities(String id) {
        return stack.logto.state().user(id).orElseThrow().getJsonObject("identities");
    }

    @Test
    void identityLinkLinksTheConnectorsIdentityAndAReplayChangesNothing() {
        String username = unique("il");
        String id = createUser(stack, username);
        String key = unique("il");
        IdentityLink command = IdentityLink.newBuilder()
                .setMeta(meta(key))
                .setUser(byId(id))
                .setConnectorId(CONNECTOR)
                .setConnectorDataJson("{\"userId\":\"gh-" + username + "\",\"code\":\"one-time\"}")
                .build();

        CommandOutcome first = run(stack, username, command);
        CommandOutcome replay = run(
                stack,
                username,
                IdentityLink.newBuilder(command).setMeta(pastLedger(key)).build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(first.getDetails()).containsEntry("connectorId", CONNECTOR);
        assertThat(identities(id).getJsonObject(CONNECTOR).getString("userId")).isEqualTo("gh-" + username);
        assertThat(replay.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(applied(stack, id, "user.identity.link")).isEqualTo(1);
    }

    @Test
    void linkingASocialAccountAnotherUserHoldsFailsWithLogtosCode() {
        String holder = unique("ilh");
        String holderId = createUser(stack, holder);
        String social = "gh-" + holder;
        run(
                stack,
                holder,
                IdentityReplace.newBuilder()
                        .setMeta(meta(unique("ir")))
                        .setUser(byId(holderId))
                        .setTarget(CONNECTOR)
                        .setSocialUserId(social)
                        .build());
        String username = unique("ilw");
        String id = createUser(stack, username);

        CommandOutcome outcome = run(
                stack,
                username,
                IdentityLink.newBuilder()
                        .setMeta(meta(unique("il")))
                        .setUser(byId(id))
                        .setConnectorId(CONNECTOR)
                        .setConnectorDataJson("{\"userId\":\"" + social + "\",\"code\":\"one-time\"}")
                        .build());

        assertFailed(outcome, "user.identity_already_in_use", 422);
        assertThat(identities(id)).isEmpty();
    }

    @Test
    void linkingThroughAnUnknownConnectorFailsWithConnectorNotFoundNotUserNotFound() {
        // Logto answers 404 entity.not_found for both; the processor asks for the user to tell them apart.
        String username = unique("ilc");
        String id = createUser(stack, username);

        CommandOutcome outcome = run(
                stack,
                username,
                IdentityLink.newBuilder()
                        .setMeta(meta(unique("il")))
                        .setUser(byId(id))
                        .setConnectorId("nosuchconnector")
                        .setConnectorDataJson("{\"code\":\"one-time\"}")
                        .build());

        assertFailed(outcome, "connector_not_found", 404);
        assertThat(outcome.getUserId()).isEqualTo(id);
        assertThat(identities(id)).isEmpty();
    }

    @Test
    void identityReplaceCreatesThenReplacesAndAReplayChangesNothing() {
        String username = unique("ir");
        String id = createUser(stack, username);

        CommandOutcome created = run(
                stack,
                username,
                IdentityReplace.newBuilder()
                        .setMeta(meta(unique("ir")))
                        .setUser(byId(id))
                        .setTarget("google")
                        .setSocialUserId("g1-" + username)
                        .build());
        String key = unique("ir");
        IdentityReplace replace = IdentityReplace.newBuilder()
                .setMeta(meta(key))
                .setUser(byId(id))
                .setTarget("google")
                .setSocialUserId("g2-" + username)
                .setDetailsJson("{\"email\":\"x@g.example\"}")
                .build();
        CommandOutcome replaced = run(stack, username, replace);
        CommandOutcome replay = run(
                stack,
                username,
                IdentityReplace.newBuilder(replace).setMeta(pastLedger(key)).build());

        assertThat(created.getDetails()).containsEntry("created", "true");
        assertThat(replaced.getDetails()).containsEntry("created", "false");
        assertThat(identities(id).getJsonObject("google").getString("userId")).isEqualTo("g2-" + username);
        assertThat(identities(id)
                        .getJsonObject("google")
                        .getJsonObject("details")
                        .getString("email"))
                .isEqualTo("x@g.example");
        assertThat(replay.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(applied(stack, id, "user.identity.link")).isEqualTo(2);
    }

    @Test
    void replacingWithASocialAccountAnotherUserHoldsFailsWithLogtosCode() {
        String holder = unique("irh");
        String holderId = createUser(stack, holder);
        run(
                stack,
                holder,
                IdentityReplace.newBuilder()
                        .setMeta(meta(unique("ir")))
                        .setUser(byId(holderId))
                        .setTarget("google")
                        .setSocialUserId("g-" + holder)
                        .build());
        String username = unique("irw");
        String id = createUser(stack, username);

        assertFailed(
                run(
                        stack,
                        username,
                        IdentityReplace.newBuilder()
                                .setMeta(meta(unique("ir")))
                                .setUser(byId(id))
                                .setTarget("google")
                                .setSocialUserId("g-" + holder)
                                .build()),
                "user.identity_already_in_use",
                422);
    }

    @Test
    void identityUnlinkRemovesTheIdentityAndAReplaySucceedsAsAlreadyApplied() {
        String username = unique("iu");
        String id = createUser(stack, username);
        run(
                stack,
                username,
                IdentityReplace.newBuilder()
                        .setMeta(meta(unique("ir")))
                        .setUser(byId(id))
                        .setTarget("github")
                        .setSocialUserId("gh-" + username)
                        .build());
        String key = unique("iu");

        CommandOutcome first = run(
                stack,
                username,
                IdentityUnlink.newBuilder()
                        .setMeta(meta(key))
                        .setUser(byId(id))
                        .setTarget("github")
                        .build());
        CommandOutcome replay = run(
                stack,
                username,
                IdentityUnlink.newBuilder()
                        .setMeta(pastLedger(key))
                        .setUser(byId(id))
                        .setTarget("github")
                        .build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(identities(id)).isEmpty();
        assertAlreadyApplied(replay, id);
        assertThat(applied(stack, id, "user.identity.unlink")).isEqualTo(1);
    }
}
