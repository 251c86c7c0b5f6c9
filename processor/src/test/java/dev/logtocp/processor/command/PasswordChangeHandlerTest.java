package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.PasswordChange;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class PasswordChangeHandlerTest {
    private static final String CURRENT = "Current-Canary-1";
    private static final String NEW = "New-Canary-2";
    private static final String VERIFY = USER + "/password/verify";
    private final PasswordChangeHandler handler = new PasswordChangeHandler();
    private final FakeLogto logto = new FakeLogto();

    private static PasswordChange change() {
        return PasswordChange.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setCurrentPassword(CURRENT)
                .setNewPassword(NEW)
                .build();
    }

    @Test
    void verifiesTheCurrentPasswordThenSetsTheNewOne() {
        logto.on(HttpMethod.POST, VERIFY, FakeLogto.status(204))
                .on(HttpMethod.PATCH, USER + "/password", FakeLogto.json(200, user(USER_ID)));

        HandlerResult result = result(handler.execute(change(), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details()).containsEntry("steps", "verified,password_set");
        assertThat(logto.writes())
                .extracting(FakeLogto.Call::line)
                .containsExactly("POST " + VERIFY, "PATCH " + USER + "/password");
        assertThat(logto.writes())
                .extracting(FakeLogto.Call::body)
                .containsExactly(new JsonObject().put("password", CURRENT), new JsonObject().put("password", NEW));
        assertThat(logto.writes())
                .extracting(FakeLogto.Call::idempotencyKey)
                .containsExactly(KEY + ":verify-current", KEY + ":set");
    }

    @Test
    void aReplayFindsTheNewPasswordSetAndIsAlreadyApplied() {
        logto.on(HttpMethod.POST, VERIFY, FakeLogto.error(422, PasswordChangeHandler.INVALID_CREDENTIALS))
                .on(HttpMethod.POST, VERIFY, FakeLogto.status(204));

        assertAlreadyApplied(result(handler.execute(change(), context(logto))), USER_ID);
        assertThat(logto.writes())
                .extracting(FakeLogto.Call::body)
                .containsExactly(new JsonObject().put("password", CURRENT), new JsonObject().put("password", NEW));
    }

    @Test
    void aWrongCurrentPasswordIsFailedInvalidCredentials() {
        logto.on(HttpMethod.POST, VERIFY, FakeLogto.error(422, PasswordChangeHandler.INVALID_CREDENTIALS))
                .on(HttpMethod.POST, VERIFY, FakeLogto.error(422, PasswordChangeHandler.INVALID_CREDENTIALS));

        assertFailed(result(handler.execute(change(), context(logto))), PasswordChangeHandler.INVALID_CREDENTIALS, 422);
        assertThat(logto.lines()).doesNotContain("PATCH " + USER + "/password");
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.POST, VERIFY, FakeLogto.error(404, "entity.not_found"));

        HandlerTesting.Verdict verdict = verdict(handler.execute(change(), context(logto)));

        assertThat(verdict.code()).isEqualTo(UserResolver.USER_NOT_FOUND);
        assertThat(verdict.httpStatus()).isEqualTo(404);
    }

    @Test
    void aUserWithoutAPasswordIsFailedWithLogtosCodeAndNoMessageOfLogtos() {
        logto.on(HttpMethod.POST, VERIFY, FakeLogto.error(400, "user.password_not_set", "for " + CURRENT));

        Throwable failure = failure(handler.execute(change(), context(logto)));

        assertThat(failure).isInstanceOf(CommandFailure.class);
        assertThat(((CommandFailure) failure).code()).isEqualTo("user.password_not_set");
        assertThat(failure.getMessage()).doesNotContain(CURRENT);
    }

    @Test
    void aRefusedSetIsReadAsPasswordSetReadsIt() {
        logto.on(HttpMethod.POST, VERIFY, FakeLogto.status(204))
                .on(HttpMethod.PATCH, USER + "/password", FakeLogto.error(422, "password.rejected", "rejected " + NEW));

        HandlerResult result = result(handler.execute(change(), context(logto)));

        assertFailed(result, "password.rejected", 422);
        assertThat(result.errorMessage()).doesNotContain(NEW);
    }

    @Test
    void emptyPasswordsAreFieldErrors() {
        assertThat(fields(handler.validate(PasswordChange.newBuilder(change())
                        .setCurrentPassword("")
                        .setNewPassword("")
                        .build())))
                .containsExactlyInAnyOrder("currentPassword", "newPassword");
    }
}
