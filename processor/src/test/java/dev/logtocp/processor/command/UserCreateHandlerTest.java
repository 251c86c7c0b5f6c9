package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.PasswordAlgorithm;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.processor.idempotency.ReferenceMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UserCreateHandlerTest {
    private static final String MD5 = "5f4dcc3b5aa765d61d8327deb882cf99";
    private final UserCreateHandler handler = new UserCreateHandler();
    private final FakeLogto logto = new FakeLogto();

    private static UserCreate.Builder create() {
        return UserCreate.newBuilder().setMeta(meta()).setUsername("ada").setPrimaryEmail("ada@example.com");
    }

    private static JsonObject ours() {
        return new JsonObject()
                .put("issuer", ISSUER)
                .put("idempotencyKey", "key-1")
                .put("commandId", "c-1");
    }

    @Test
    void postsTheUserWithTheCreateMarkerInCustomData() {
        logto.on(HttpMethod.POST, "/api/users", FakeLogto.json(200, user("new1")));

        HandlerResult result = result(handler.execute(
                create().setCustomDataJson("{\"tier\":\"gold\"}").build(), context(logto)));

        assertSucceeded(result, "new1");
        assertThat(logto.lines()).containsExactly("POST /api/users");
        JsonObject body = logto.writes().get(0).body();
        assertThat(body.getString("username")).isEqualTo("ada");
        assertThat(body.getString("primaryEmail")).isEqualTo("ada@example.com");
        assertThat(body.getJsonObject("customData"))
                .isEqualTo(new JsonObject().put("tier", "gold").put(UserCreateHandler.RESERVED_KEY, ours()));
        assertWritesCarryTheKey(logto);
    }

    @Test
    void aReplayFindsItsOwnEarlierCreateAndIsAlreadyApplied() {
        logto.on(HttpMethod.POST, "/api/users", FakeLogto.error(422, "user.username_already_in_use"))
                .on(
                        HttpMethod.GET,
                        "/api/users",
                        FakeLogto.json(
                                200,
                                users(user("new1")
                                        .put(
                                                "customData",
                                                new JsonObject().put(UserCreateHandler.RESERVED_KEY, ours())))));

        assertAlreadyApplied(result(handler.execute(create().build(), context(logto))), "new1");
        assertThat(logto.lines()).containsExactly("POST /api/users", "GET /api/users");
        assertThat(logto.calls().get(1).query())
                .containsEntry("search.username", "ada")
                .containsEntry("mode.username", "exact");
    }

    @Test
    void aNameSomeoneElseHoldsIsFailedWithLogtosCode() {
        JsonObject someoneElse = new JsonObject().put("issuer", "other").put("idempotencyKey", "key-1");
        logto.on(HttpMethod.POST, "/api/users", FakeLogto.error(422, "user.email_already_in_use"))
                .on(
                        HttpMethod.GET,
                        "/api/users",
                        FakeLogto.json(
                                200,
                                users(user("x9")
                                        .put(
                                                "customData",
                                                new JsonObject().put(UserCreateHandler.RESERVED_KEY, someoneElse)))));

        HandlerResult result = result(handler.execute(create().build(), context(logto)));

        assertFailed(result, "user.email_already_in_use", 422);
        // Email matching is case-insensitive in Logto, as the uniqueness check is.
        assertThat(logto.calls().get(1).query())
                .containsEntry("search.primaryEmail", "ada@example.com")
                .containsEntry("isCaseSensitive", "false");
    }

    @Test
    void aGuardRefusalIsFailedWithLogtosCode() {
        logto.on(HttpMethod.POST, "/api/users", FakeLogto.error(400, "guard.invalid_input", "bad"));

        HandlerResult result = result(handler.execute(create().build(), context(logto)));

        assertFailed(result, "guard.invalid_input", 400);
        assertThat(result.errorMessage()).isEqualTo("bad");
    }

    @Test
    void aConflictIsFailedWithLogtosCodeLikeEveryOtherRefusal() {
        logto.on(HttpMethod.POST, "/api/users", FakeLogto.error(409, "entity.unique_integrity_violation"));

        assertFailed(
                result(handler.execute(create().build(), context(logto))), "entity.unique_integrity_violation", 409);
    }

    @Test
    void aRefusedCreateWithAPasswordDoesNotCopyLogtosMessage() {
        logto.on(HttpMethod.POST, "/api/users", FakeLogto.error(400, "guard.invalid_input", "invalid: Pa55-canary"));

        HandlerResult result =
                result(handler.execute(create().setPassword("Pa55-canary").build(), context(logto)));

        assertFailed(result, "guard.invalid_input", 400);
        assertThat(result.errorMessage()).doesNotContain("Pa55-canary");
    }

    @Test
    void anExternalIdMappedToSomeoneElsesUserIsFailedWithoutACreate() {
        ReferenceMap references = new ReferenceMap();
        references.committed(0, "crm-7", "other1");
        logto.on(HttpMethod.GET, "/api/users/other1", FakeLogto.json(200, user("other1")));

        HandlerResult result =
                result(handler.execute(create().setExternalId("crm-7").build(), context(logto, references)));

        assertFailed(result, "external_id_in_use", null);
        assertThat(logto.writes()).isEmpty();
    }

    @Test
    void anExternalIdMappedToAUserSinceDeletedIsCreatedAgain() {
        ReferenceMap references = new ReferenceMap();
        references.committed(0, "crm-7", "gone1");
        logto.on(HttpMethod.GET, "/api/users/gone1", FakeLogto.error(404, "entity.not_found"))
                .on(HttpMethod.POST, "/api/users", FakeLogto.json(200, user("new2")));

        assertSucceeded(
                result(handler.execute(create().setExternalId("crm-7").build(), context(logto, references))), "new2");
        assertThat(logto.writes()
                        .get(0)
                        .body()
                        .getJsonObject("customData")
                        .getJsonObject(UserCreateHandler.RESERVED_KEY)
                        .getString("externalId"))
                .isEqualTo("crm-7");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidCreatesAreFieldErrors(String name, UserCreate command, List<String> fields) {
        assertThat(fields(handler.validate(command))).containsExactlyInAnyOrderElementsOf(fields);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(
                        "bad username and email",
                        create().setUsername("9starts-with-digit")
                                .setPrimaryEmail("not-an-email")
                                .build(),
                        List.of("username", "primaryEmail")),
                Arguments.of(
                        "digest without algorithm",
                        create().setPasswordDigest(MD5).build(),
                        List.of("passwordAlgorithm")),
                Arguments.of(
                        "digest and password",
                        create().setPassword("pw-1")
                                .setPasswordDigest(MD5)
                                .setPasswordAlgorithm(PasswordAlgorithm.MD5)
                                .build(),
                        List.of("passwordDigest")),
                Arguments.of(
                        "unknown claim",
                        create().setProfileJson("{\"givenName\":\"Ada\",\"bogus\":\"x\"}")
                                .build(),
                        List.of("profileJson.bogus")),
                Arguments.of(
                        "mistyped claim",
                        create().setProfileJson("{\"givenName\":5}").build(),
                        List.of("profileJson.givenName")),
                Arguments.of(
                        "reserved customData key",
                        create().setCustomDataJson("{\"logtoCommandProcessor\":1}")
                                .build(),
                        List.of("customDataJson")));
    }
}
