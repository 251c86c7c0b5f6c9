package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.RevokeGrantsTarget;
import dev.logtocp.commands.SessionRevokeAll;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class SessionRevokeAllHandlerTest {
    private static final String SESSIONS = USER + "/sessions";
    private final SessionRevokeAllHandler handler = new SessionRevokeAllHandler();
    private final FakeLogto logto = new FakeLogto();

    private static SessionRevokeAll revokeAll(RevokeGrantsTarget grants) {
        return SessionRevokeAll.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setRevokeGrantsTarget(grants)
                .build();
    }

    @Test
    void revokesEachListedSessionOneAfterAnother() {
        logto.on(HttpMethod.GET, USER, FakeLogto.json(200, user(USER_ID)))
                .on(HttpMethod.GET, SESSIONS, FakeLogto.json(200, MfaResetHandlerTest.sessions("s1", "s2")))
                .on(HttpMethod.DELETE, SESSIONS + "/s1", FakeLogto.status(204))
                .on(HttpMethod.DELETE, SESSIONS + "/s2", FakeLogto.error(404, "oidc.session_not_found"));

        HandlerResult result = result(handler.execute(revokeAll(null), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details())
                .containsEntry("sessionsRevoked", "1")
                .containsEntry("grantsRevoked", "0")
                .containsEntry("steps", "sessions_revoked");
        assertThat(logto.lines())
                .containsExactly(
                        "GET " + USER, "GET " + SESSIONS, "DELETE " + SESSIONS + "/s1", "DELETE " + SESSIONS + "/s2");
        assertThat(logto.calls().get(2).query()).isEmpty();
        assertWritesCarryTheKey(logto);
    }

    @Test
    void withAGrantsTargetAlsoRevokesTheRemainingGrantsOfThatKind() {
        logto.on(HttpMethod.GET, USER, FakeLogto.json(200, user(USER_ID)))
                .on(HttpMethod.GET, SESSIONS, FakeLogto.json(200, MfaResetHandlerTest.sessions()))
                .on(
                        HttpMethod.GET,
                        USER + "/grants",
                        FakeLogto.json(
                                200,
                                new JsonObject().put("grants", new JsonArray().add(new JsonObject().put("id", "g1")))))
                .on(HttpMethod.DELETE, USER + "/grants/g1", FakeLogto.status(204));

        HandlerResult result = result(handler.execute(revokeAll(RevokeGrantsTarget.FIRST_PARTY), context(logto)));

        assertThat(result.details()).containsEntry("grantsRevoked", "1");
        assertThat(logto.calls().get(2).query()).containsEntry("appType", "firstParty");
    }

    @Test
    void aMissingUserIsUserNotFoundBeforeAnyCallToTheList() {
        // The list answers 200 [] for a missing user, so the user is asked for first.
        logto.on(HttpMethod.GET, USER, FakeLogto.error(404, "entity.not_found"));

        HandlerTesting.Verdict verdict = verdict(handler.execute(revokeAll(null), context(logto)));

        assertThat(verdict.code()).isEqualTo(UserResolver.USER_NOT_FOUND);
        assertThat(logto.lines()).containsExactly("GET " + USER);
    }

    @Test
    void aRefusedListIsLeftToTheEngine() {
        logto.on(HttpMethod.GET, USER, FakeLogto.json(200, user(USER_ID)))
                .on(HttpMethod.GET, SESSIONS, FakeLogto.error(400, "guard.invalid_input"));

        assertThat(failure(handler.execute(revokeAll(null), context(logto))))
                .isInstanceOf(dev.logtocp.processor.logto.LogtoApiException.class);
        assertThat(logto.writes()).isEmpty();
    }
}
