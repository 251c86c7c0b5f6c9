package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.UserCustomDataMerge;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UserCustomDataMergeHandlerTest {
    private final UserCustomDataMergeHandler handler = new UserCustomDataMergeHandler();
    private final FakeLogto logto = new FakeLogto();

    private static UserCustomDataMerge merge(String json) {
        return UserCustomDataMerge.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setCustomDataJson(json)
                .build();
    }

    @Test
    void patchesTheCustomDataToMerge() {
        logto.on(HttpMethod.PATCH, USER + "/custom-data", FakeLogto.json(200, new JsonObject()));

        assertSucceeded(result(handler.execute(merge("{\"a\":1}"), context(logto))), USER_ID);
        assertThat(logto.lines()).containsExactly("PATCH " + USER + "/custom-data");
        assertThat(logto.writes().get(0).body())
                .isEqualTo(new JsonObject().put("customData", new JsonObject().put("a", 1)));
        assertWritesCarryTheKey(logto);
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.PATCH, USER + "/custom-data", FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(merge("{\"a\":1}"), context(logto))));
    }

    @Test
    void aRefusalIsFailedWithLogtosCode() {
        logto.on(HttpMethod.PATCH, USER + "/custom-data", FakeLogto.error(400, "guard.invalid_input"));

        assertFailed(result(handler.execute(merge("{\"a\":1}"), context(logto))), "guard.invalid_input", 400);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void customDataThatIsNotAnObjectOrUsesTheReservedKeyIsAFieldError(String json, List<String> fields) {
        UserCustomDataMerge command = merge("{}");
        command.setCustomDataJson(json);
        assertThat(fields(handler.validate(command))).containsExactlyElementsOf(fields);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("[1,2]", List.of("customDataJson")),
                Arguments.of("{\"logtoCommandProcessor\":{}}", List.of("customDataJson")),
                Arguments.of(null, List.of("customDataJson")));
    }
}
