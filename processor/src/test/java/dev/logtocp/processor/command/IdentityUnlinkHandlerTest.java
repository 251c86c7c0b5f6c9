package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.IdentityUnlink;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

class IdentityUnlinkHandlerTest {
    private final IdentityUnlinkHandler handler = new IdentityUnlinkHandler();
    private final FakeLogto logto = new FakeLogto();

    private static IdentityUnlink unlink(String target) {
        return IdentityUnlink.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setTarget(target)
                .build();
    }

    @Test
    void deletesTheIdentity() {
        logto.on(HttpMethod.DELETE, USER + "/identities/github", FakeLogto.json(200, user(USER_ID)));

        HandlerResult result = result(handler.execute(unlink("github"), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details()).containsEntry("target", "github").doesNotContainKey("alreadyApplied");
        assertWritesCarryTheKey(logto);
    }

    @Test
    void anIdentityAlreadyGoneIsAlreadyAppliedWithoutAskingForTheUser() {
        // Logto looks the user up before the identity, so this 404 is about the identity alone.
        logto.on(
                HttpMethod.DELETE,
                USER + "/identities/github",
                FakeLogto.error(404, IdentityUnlinkHandler.IDENTITY_NOT_EXIST));

        assertAlreadyApplied(result(handler.execute(unlink("github"), context(logto))), USER_ID);
        assertThat(logto.lines()).containsExactly("DELETE " + USER + "/identities/github");
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.DELETE, USER + "/identities/github", FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(unlink("github"), context(logto))));
    }

    @Test
    void aRefusalIsFailedWithLogtosCode() {
        logto.on(HttpMethod.DELETE, USER + "/identities/github", FakeLogto.error(422, "user.identity_cannot_unlink"));

        assertFailed(result(handler.execute(unlink("github"), context(logto))), "user.identity_cannot_unlink", 422);
    }

    @Test
    void aMissingTargetIsAFieldError() {
        assertThat(fields(handler.validate(unlink("")))).containsExactly("target");
    }
}
