package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.IdentityReplace;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class IdentityReplaceHandlerTest {
    private final IdentityReplaceHandler handler = new IdentityReplaceHandler();
    private final FakeLogto logto = new FakeLogto();

    private static IdentityReplace replace(String details) {
        return IdentityReplace.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setTarget("google")
                .setSocialUserId("g-1")
                .setDetailsJson(details)
                .build();
    }

    @Test
    void putsTheIdentityAndSaysWhetherItWasCreated() {
        logto.on(HttpMethod.PUT, USER + "/identities/google", FakeLogto.json(201, new JsonObject()));

        HandlerResult result = result(handler.execute(replace("{\"email\":\"a@b.co\"}"), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details()).containsEntry("target", "google").containsEntry("created", "true");
        assertThat(logto.writes().get(0).body())
                .isEqualTo(
                        new JsonObject().put("userId", "g-1").put("details", new JsonObject().put("email", "a@b.co")));
        assertWritesCarryTheKey(logto);
    }

    @Test
    void aReplayReplacesAndIsNotCreated() {
        logto.on(HttpMethod.PUT, USER + "/identities/google", FakeLogto.json(200, new JsonObject()));

        assertThat(result(handler.execute(replace(null), context(logto))).details())
                .containsEntry("created", "false");
        assertThat(logto.writes().get(0).body()).isEqualTo(new JsonObject().put("userId", "g-1"));
    }

    @Test
    void aSocialAccountLinkedElsewhereIsFailedWithoutLogtosMessage() {
        logto.on(
                HttpMethod.PUT,
                USER + "/identities/google",
                FakeLogto.error(422, "user.identity_already_in_use", "token-canary"));

        HandlerResult result = result(handler.execute(replace(null), context(logto)));

        assertFailed(result, "user.identity_already_in_use", 422);
        assertThat(result.errorMessage()).doesNotContain("token-canary");
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.PUT, USER + "/identities/google", FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(replace(null), context(logto))));
    }

    @Test
    void aBlankSocialUserIdAndBadDetailsAreFieldErrors() {
        IdentityReplace command =
                IdentityReplace.newBuilder(replace("nope")).setSocialUserId("").build();

        assertThat(fields(handler.validate(command))).containsExactlyInAnyOrder("socialUserId", "detailsJson");
    }
}
