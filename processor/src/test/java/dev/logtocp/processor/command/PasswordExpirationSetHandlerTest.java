package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.PasswordExpirationSet;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class PasswordExpirationSetHandlerTest {
    private final PasswordExpirationSetHandler handler = new PasswordExpirationSetHandler();
    private final FakeLogto logto = new FakeLogto();
    private static final String PATH = USER + "/password/expiration";

    private static PasswordExpirationSet expire(boolean expired) {
        return PasswordExpirationSet.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setIsExpired(expired)
                .build();
    }

    @Test
    void patchesTheExpiration() {
        logto.on(HttpMethod.PATCH, PATH, FakeLogto.json(200, new JsonObject()));

        HandlerResult result = result(handler.execute(expire(true), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details()).containsEntry("isExpired", "true");
        assertThat(logto.writes().get(0).body()).isEqualTo(new JsonObject().put("isExpired", true));
        assertWritesCarryTheKey(logto);
    }

    @Test
    void expirationNotEnabledIsFailedWithLogtosCode() {
        logto.on(HttpMethod.PATCH, PATH, FakeLogto.error(400, "sign_in_experiences.password_expiration_not_enabled"));

        assertFailed(
                result(handler.execute(expire(true), context(logto))),
                "sign_in_experiences.password_expiration_not_enabled",
                400);
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.PATCH, PATH, FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(expire(false), context(logto))));
    }
}
