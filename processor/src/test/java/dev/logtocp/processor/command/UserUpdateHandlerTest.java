package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.UserField;
import dev.logtocp.commands.UserUpdate;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UserUpdateHandlerTest {
    private final UserUpdateHandler handler = new UserUpdateHandler();
    private final FakeLogto logto = new FakeLogto();

    private static UserUpdate.Builder update() {
        return UserUpdate.newBuilder().setMeta(meta()).setUser(byId(USER_ID));
    }

    @Test
    void patchesTheSetFieldsAndNullsTheClearedOnes() {
        logto.on(HttpMethod.PATCH, USER, FakeLogto.json(200, user(USER_ID)));

        HandlerResult result = result(handler.execute(
                update().setName("Ada")
                        .setClearFields(List.of(UserField.AVATAR))
                        .build(),
                context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(logto.lines()).containsExactly("PATCH " + USER);
        assertThat(logto.writes().get(0).body())
                .isEqualTo(new JsonObject().put("name", "Ada").putNull("avatar"));
        assertWritesCarryTheKey(logto);
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.PATCH, USER, FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(update().setName("x").build(), context(logto))));
    }

    @Test
    void aUsernameAnotherUserHoldsIsFailedWithLogtosCode() {
        logto.on(HttpMethod.PATCH, USER, FakeLogto.error(422, "user.username_already_in_use", "taken"));

        HandlerResult result =
                result(handler.execute(update().setUsername("taken").build(), context(logto)));

        assertFailed(result, "user.username_already_in_use", 422);
        assertThat(result.errorMessage()).isEqualTo("taken");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidUpdatesAreFieldErrors(String name, UserUpdate command, List<String> fields) {
        assertThat(fields(handler.validate(command))).containsExactlyInAnyOrderElementsOf(fields);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(
                        "set and cleared, bad email, bad avatar",
                        update().setName("x")
                                .setClearFields(List.of(UserField.NAME))
                                .setPrimaryEmail("not-an-email")
                                .setAvatar("javascript:alert(1)")
                                .build(),
                        List.of("clearFields", "primaryEmail", "avatar")),
                Arguments.of("changes nothing", update().build(), List.of("user")),
                Arguments.of("bad username", update().setUsername("9lives").build(), List.of("username")),
                Arguments.of("bad phone", update().setPrimaryPhone("12").build(), List.of("primaryPhone")),
                Arguments.of(
                        "blank id", update().setUser(byId(" ")).setName("x").build(), List.of("user.value")));
    }
}
