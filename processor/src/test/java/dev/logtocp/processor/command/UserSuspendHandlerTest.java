package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.UserSuspend;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class UserSuspendHandlerTest {
    private final UserSuspendHandler handler = new UserSuspendHandler();
    private final FakeLogto logto = new FakeLogto();

    private static UserSuspend suspend(boolean suspended) {
        return UserSuspend.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setSuspended(suspended)
                .build();
    }

    @Test
    void patchesIsSuspendedWithTheKeyAndSucceeds() {
        logto.on(HttpMethod.PATCH, USER + "/is-suspended", FakeLogto.json(200, user(USER_ID)));

        HandlerResult result = result(handler.execute(suspend(true), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details()).containsEntry("isSuspended", "true");
        assertThat(logto.lines()).containsExactly("PATCH " + USER + "/is-suspended");
        assertThat(logto.writes().get(0).body()).isEqualTo(new JsonObject().put("isSuspended", true));
        assertThat(logto.writes().get(0).idempotencyKey()).isEqualTo(KEY);
    }

    @Test
    void aUserFoundByUsernameIsSuspendedByItsId() {
        logto.on(HttpMethod.GET, "/api/users", FakeLogto.json(200, users(user(USER_ID))))
                .on(HttpMethod.PATCH, USER + "/is-suspended", FakeLogto.json(200, user(USER_ID)));

        HandlerResult result = result(handler.execute(
                UserSuspend.newBuilder(suspend(false))
                        .setUser(byUsername("ada"))
                        .build(),
                context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(logto.lines()).containsExactly("GET /api/users", "PATCH " + USER + "/is-suspended");
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.PATCH, USER + "/is-suspended", FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(suspend(true), context(logto))));
    }

    @Test
    void aRefusalIsFailedWithLogtosCodeAndMessage() {
        logto.on(HttpMethod.PATCH, USER + "/is-suspended", FakeLogto.error(400, "guard.invalid_input", "bad input"));

        HandlerResult result = result(handler.execute(suspend(true), context(logto)));

        assertFailed(result, "guard.invalid_input", 400);
        assertThat(result.errorMessage()).isEqualTo("bad input");
    }

    @Test
    void anInvalidIdempotencyKeyIsAFieldError() {
        UserSuspend command = UserSuspend.newBuilder(suspend(true))
                .setMeta(dev.logtocp.commands.CommandMeta.newBuilder(meta())
                        .setIdempotencyKey("has space")
                        .build())
                .build();

        assertThat(fields(handler.validate(command))).containsExactly("meta.idempotencyKey");
    }
}
