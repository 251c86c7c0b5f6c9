package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.RevokeGrantsTarget;
import dev.logtocp.commands.SessionRevoke;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

class SessionRevokeHandlerTest {
    private static final String SESSIONS = USER + "/sessions";
    private final SessionRevokeHandler handler = new SessionRevokeHandler();
    private final FakeLogto logto = new FakeLogto();

    private static SessionRevoke revoke(String sessionId) {
        return SessionRevoke.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setSessionId(sessionId)
                .build();
    }

    @Test
    void deletesTheSessionByUidWithTheGrantsTarget() {
        logto.on(HttpMethod.DELETE, SESSIONS + "/s1", FakeLogto.status(204));

        HandlerResult result = result(handler.execute(
                SessionRevoke.newBuilder(revoke("s1"))
                        .setRevokeGrantsTarget(RevokeGrantsTarget.FIRST_PARTY)
                        .build(),
                context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(logto.calls().get(0).query()).containsEntry("revokeGrantsTarget", "firstParty");
        assertWritesCarryTheKey(logto);
    }

    @Test
    void aSessionNoLongerListedIsAlreadyApplied() {
        logto.on(HttpMethod.DELETE, SESSIONS + "/s1", FakeLogto.error(404, "oidc.session_not_found"))
                .on(HttpMethod.GET, USER, FakeLogto.json(200, user(USER_ID)))
                .on(HttpMethod.GET, SESSIONS, FakeLogto.json(200, MfaResetHandlerTest.sessions("s2")));

        HandlerResult result = result(handler.execute(revoke("s1"), context(logto)));

        assertAlreadyApplied(result, USER_ID);
        assertThat(result.details()).containsEntry("sessionActive", "false");
        assertThat(logto.lines()).containsExactly("DELETE " + SESSIONS + "/s1", "GET " + USER, "GET " + SESSIONS);
    }

    @Test
    void aLiveSessionsJtiIsRevokedByItsUid() {
        logto.on(HttpMethod.DELETE, SESSIONS + "/jti-s2", FakeLogto.error(404, "oidc.session_not_found"))
                .on(HttpMethod.GET, USER, FakeLogto.json(200, user(USER_ID)))
                .on(HttpMethod.GET, SESSIONS, FakeLogto.json(200, MfaResetHandlerTest.sessions("s2")))
                .on(HttpMethod.DELETE, SESSIONS + "/s2", FakeLogto.status(204));

        HandlerResult result = result(handler.execute(revoke("jti-s2"), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details()).containsEntry("sessionIdKind", "jti").containsEntry("sessionUid", "s2");
        assertThat(logto.writes()).extracting(FakeLogto.Call::idempotencyKey).containsExactly(KEY, KEY + ":uid");
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.DELETE, SESSIONS + "/nosuchsession", FakeLogto.error(404, "oidc.session_not_found"))
                .on(HttpMethod.GET, USER, FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(revoke("nosuchsession"), context(logto))));
    }

    @Test
    void aSessionOfAnotherUserIsFailedWithLogtosCode() {
        logto.on(HttpMethod.DELETE, SESSIONS + "/s9", FakeLogto.error(400, "oidc.invalid_session_account_id"));

        assertFailed(result(handler.execute(revoke("s9"), context(logto))), "oidc.invalid_session_account_id", 400);
    }

    @Test
    void aMissingSessionIdIsAFieldError() {
        assertThat(fields(handler.validate(revoke("")))).containsExactly("sessionId");
    }
}
