package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.MfaVerificationDelete;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

class MfaVerificationDeleteHandlerTest {
    private static final String PATH = USER + "/mfa-verifications/v1";
    private final MfaVerificationDeleteHandler handler = new MfaVerificationDeleteHandler();
    private final FakeLogto logto = new FakeLogto();

    private static MfaVerificationDelete delete(String id) {
        return MfaVerificationDelete.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setVerificationId(id)
                .build();
    }

    @Test
    void deletesTheVerification() {
        logto.on(HttpMethod.DELETE, PATH, FakeLogto.status(204));

        assertSucceeded(result(handler.execute(delete("v1"), context(logto))), USER_ID);
        assertThat(logto.lines()).containsExactly("DELETE " + PATH);
        assertWritesCarryTheKey(logto);
    }

    @Test
    void aVerificationAlreadyGoneIsAlreadyAppliedOnceTheUserIsFound() {
        logto.on(HttpMethod.DELETE, PATH, FakeLogto.error(404, "entity.not_found"))
                .on(HttpMethod.GET, USER, FakeLogto.json(200, user(USER_ID)));

        assertAlreadyApplied(result(handler.execute(delete("v1"), context(logto))), USER_ID);
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.DELETE, PATH, FakeLogto.error(404, "entity.not_found"))
                .on(HttpMethod.GET, USER, FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(delete("v1"), context(logto))));
    }

    @Test
    void aUserFoundBySearchNeedsNoSecondLookup() {
        logto.on(HttpMethod.GET, "/api/users", FakeLogto.json(200, users(user(USER_ID))))
                .on(HttpMethod.DELETE, PATH, FakeLogto.error(404, "entity.not_found"));

        assertAlreadyApplied(
                result(handler.execute(
                        MfaVerificationDelete.newBuilder(delete("v1"))
                                .setUser(byUsername("ada"))
                                .build(),
                        context(logto))),
                USER_ID);
        assertThat(logto.lines()).containsExactly("GET /api/users", "DELETE " + PATH);
    }

    @Test
    void aMissingVerificationIdIsAFieldError() {
        assertThat(fields(handler.validate(delete("")))).containsExactly("verificationId");
    }
}
