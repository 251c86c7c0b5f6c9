package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.MfaReset;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class MfaResetHandlerTest {
    private final MfaResetHandler handler = new MfaResetHandler();
    private final FakeLogto logto = new FakeLogto();

    private static MfaReset reset() {
        return MfaReset.newBuilder().setMeta(meta()).setUser(byId(USER_ID)).build();
    }

    static JsonObject sessions(String... uids) {
        JsonArray list = new JsonArray();
        for (String uid : uids) {
            list.add(new JsonObject()
                    .put("payload", new JsonObject().put("uid", uid).put("jti", "jti-" + uid)));
        }
        return new JsonObject().put("sessions", list);
    }

    @Test
    void removesEveryVerificationThenRevokesEverySessionAndGrant() {
        logto.on(HttpMethod.GET, USER, FakeLogto.json(200, user(USER_ID)))
                .on(
                        HttpMethod.GET,
                        USER + "/mfa-verifications",
                        FakeLogto.json(
                                200,
                                new JsonArray()
                                        .add(new JsonObject().put("id", "v1"))
                                        .add(new JsonObject().put("id", "v2"))))
                .on(HttpMethod.DELETE, USER + "/mfa-verifications/v1", FakeLogto.status(204))
                .on(HttpMethod.DELETE, USER + "/mfa-verifications/v2", FakeLogto.error(404, "entity.not_found"))
                .on(HttpMethod.GET, USER + "/sessions", FakeLogto.json(200, sessions("s1")))
                .on(HttpMethod.DELETE, USER + "/sessions/s1", FakeLogto.status(204))
                .on(
                        HttpMethod.GET,
                        USER + "/grants",
                        FakeLogto.json(
                                200,
                                new JsonObject().put("grants", new JsonArray().add(new JsonObject().put("id", "g1")))))
                .on(HttpMethod.DELETE, USER + "/grants/g1", FakeLogto.status(204));

        HandlerResult result = result(handler.execute(reset(), context(logto)));

        assertSucceeded(result, USER_ID);
        // v2 was gone already (404): counted as done, not as removed now.
        assertThat(result.details())
                .containsEntry("mfaVerificationsRemoved", "1")
                .containsEntry("sessionsRevoked", "1")
                .containsEntry("grantsRevoked", "1")
                .containsEntry("steps", "mfa_removed,sessions_revoked");
        assertThat(logto.lines())
                .containsExactly(
                        "GET " + USER,
                        "GET " + USER + "/mfa-verifications",
                        "DELETE " + USER + "/mfa-verifications/v1",
                        "DELETE " + USER + "/mfa-verifications/v2",
                        "GET " + USER + "/sessions",
                        "DELETE " + USER + "/sessions/s1",
                        "GET " + USER + "/grants",
                        "DELETE " + USER + "/grants/g1");
        assertThat(logto.calls().get(5).query()).containsEntry("revokeGrantsTarget", "all");
        // Each item gets its own key, derived from the command's, so a retry repeats the same requests.
        assertThat(logto.writes())
                .extracting(FakeLogto.Call::idempotencyKey)
                .containsExactly(
                        KEY + ":user.mfa.delete:v1",
                        KEY + ":user.mfa.delete:v2",
                        KEY + ":user.session.revoke:s1",
                        KEY + ":user.grant.revoke:g1");
    }

    @Test
    void aMissingUserIsUserNotFoundBeforeAnyWrite() {
        logto.on(HttpMethod.GET, USER, FakeLogto.error(404, "entity.not_found"));

        assertThat(verdict(handler.execute(reset(), context(logto))).code()).isEqualTo(UserResolver.USER_NOT_FOUND);
        assertThat(logto.writes()).isEmpty();
    }

    @Test
    void aRefusedDeleteInTheSweepIsLeftToTheEngine() {
        logto.on(HttpMethod.GET, USER, FakeLogto.json(200, user(USER_ID)))
                .on(
                        HttpMethod.GET,
                        USER + "/mfa-verifications",
                        FakeLogto.json(200, new JsonArray().add(new JsonObject().put("id", "v1"))))
                .on(HttpMethod.DELETE, USER + "/mfa-verifications/v1", FakeLogto.error(400, "guard.invalid_input"));

        Throwable failure = failure(handler.execute(reset(), context(logto)));

        assertThat(failure).isInstanceOf(dev.logtocp.processor.logto.LogtoApiException.class);
        assertThat(((dev.logtocp.processor.logto.LogtoApiException) failure).retryable())
                .isFalse();
        assertThat(logto.lines()).doesNotContain("GET " + USER + "/sessions");
    }
}
