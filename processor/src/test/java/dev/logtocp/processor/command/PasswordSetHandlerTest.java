package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.PasswordSet;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PasswordSetHandlerTest {
    private static final String SECRET = "S3cret-Canary-42";
    private final PasswordSetHandler handler = new PasswordSetHandler();
    private final FakeLogto logto = new FakeLogto();

    private static PasswordSet set(String password) {
        return PasswordSet.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setPassword(password)
                .build();
    }

    @Test
    void patchesThePasswordInTheBodyOnly() {
        logto.on(HttpMethod.PATCH, USER + "/password", FakeLogto.json(200, user(USER_ID)));

        HandlerResult result = result(handler.execute(set(SECRET), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details()).isEmpty();
        assertThat(logto.writes().get(0).body()).isEqualTo(new JsonObject().put("password", SECRET));
        assertThat(logto.writes().get(0).path()).doesNotContain(SECRET);
        assertWritesCarryTheKey(logto);
    }

    @Test
    void aRefusalKeepsLogtosCodeButNotItsMessage() {
        // A guard's message may quote the input; the input here is the password.
        logto.on(
                HttpMethod.PATCH, USER + "/password", FakeLogto.error(422, "password.rejected", "rejected: " + SECRET));

        HandlerResult result = result(handler.execute(set(SECRET), context(logto)));

        assertFailed(result, "password.rejected", 422);
        assertThat(result.errorMessage()).doesNotContain(SECRET);
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.PATCH, USER + "/password", FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(set(SECRET), context(logto))));
    }

    @ParameterizedTest
    @MethodSource("badPasswords")
    void anEmptyMissingOrOverlongPasswordIsAFieldError(String password) {
        PasswordSet command = set("x");
        command.setPassword(password);

        assertThat(handler.validate(command)).extracting(e -> e.getField()).containsExactly("password");
        assertThat(handler.validate(command))
                .allSatisfy(e -> assertThat(e.getReason()).doesNotContain("xxxx"));
    }

    static Stream<String> badPasswords() {
        return Stream.of("", "x".repeat(257), null);
    }
}
