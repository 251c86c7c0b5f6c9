package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.LogtoConfigUpdate;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class LogtoConfigUpdateHandlerTest {
    private final LogtoConfigUpdateHandler handler = new LogtoConfigUpdateHandler();
    private final FakeLogto logto = new FakeLogto();

    @Test
    void patchesOnlyTheGivenSettings() {
        logto.on(HttpMethod.PATCH, USER + "/logto-configs", FakeLogto.json(200, new JsonObject()));
        LogtoConfigUpdate command = LogtoConfigUpdate.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setMfaEnabled(true)
                .setPasskeySignInSkipped(false)
                .build();

        assertSucceeded(result(handler.execute(command, context(logto))), USER_ID);
        assertThat(logto.lines()).containsExactly("PATCH " + USER + "/logto-configs");
        assertThat(logto.writes().get(0).body())
                .isEqualTo(new JsonObject()
                        .put("mfa", new JsonObject().put("enabled", true))
                        .put("passkeySignIn", new JsonObject().put("skipped", false)));
        assertWritesCarryTheKey(logto);
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.PATCH, USER + "/logto-configs", FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(
                LogtoConfigUpdate.newBuilder()
                        .setMeta(meta())
                        .setUser(byId(USER_ID))
                        .setMfaEnabled(true)
                        .build(),
                context(logto))));
    }

    @Test
    void aRefusalIsFailedWithLogtosCode() {
        logto.on(HttpMethod.PATCH, USER + "/logto-configs", FakeLogto.error(400, "guard.invalid_input"));

        assertFailed(
                result(handler.execute(
                        LogtoConfigUpdate.newBuilder()
                                .setMeta(meta())
                                .setUser(byId(USER_ID))
                                .setMfaSkipped(true)
                                .build(),
                        context(logto))),
                "guard.invalid_input",
                400);
    }

    @Test
    void anUpdateWithoutSettingsIsAFieldError() {
        assertThat(fields(handler.validate(LogtoConfigUpdate.newBuilder()
                        .setMeta(meta())
                        .setUser(byId(USER_ID))
                        .build())))
                .containsExactly("user");
    }
}
