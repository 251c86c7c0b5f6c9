package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.UserProfileUpdate;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UserProfileUpdateHandlerTest {
    private final UserProfileUpdateHandler handler = new UserProfileUpdateHandler();
    private final FakeLogto logto = new FakeLogto();

    private static UserProfileUpdate update(String profileJson) {
        return UserProfileUpdate.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setProfileJson(profileJson)
                .build();
    }

    @Test
    void patchesTheProfileClaims() {
        logto.on(HttpMethod.PATCH, USER + "/profile", FakeLogto.json(200, new JsonObject()));

        assertSucceeded(result(handler.execute(update("{\"nickname\":\"n\"}"), context(logto))), USER_ID);
        assertThat(logto.lines()).containsExactly("PATCH " + USER + "/profile");
        assertThat(logto.writes().get(0).body())
                .isEqualTo(new JsonObject().put("profile", new JsonObject().put("nickname", "n")));
        assertWritesCarryTheKey(logto);
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.PATCH, USER + "/profile", FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(update("{\"nickname\":\"n\"}"), context(logto))));
    }

    @Test
    void aRefusalIsFailedWithLogtosCode() {
        logto.on(HttpMethod.PATCH, USER + "/profile", FakeLogto.error(422, "entity.invalid_input"));

        assertFailed(
                result(handler.execute(update("{\"nickname\":\"n\"}"), context(logto))), "entity.invalid_input", 422);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidProfiles")
    void claimsLogtoWouldDropAreFieldErrors(String profileJson, List<String> fields) {
        assertThat(fields(handler.validate(update(profileJson)))).containsExactlyInAnyOrderElementsOf(fields);
    }

    static Stream<Arguments> invalidProfiles() {
        return Stream.of(
                Arguments.of(
                        "{\"shoeSize\":\"9\",\"nickname\":5}", List.of("profileJson.shoeSize", "profileJson.nickname")),
                Arguments.of("{}", List.of("profileJson")),
                Arguments.of("[1]", List.of("profileJson")),
                Arguments.of("{\"address\":\"here\"}", List.of("profileJson.address")));
    }
}
