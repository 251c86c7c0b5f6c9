package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.RoleAssign;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RoleAssignHandlerTest {
    private final RoleAssignHandler handler = new RoleAssignHandler();
    private final FakeLogto logto = new FakeLogto();

    private static RoleAssign assign(List<String> roleIds) {
        return RoleAssign.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setRoleIds(roleIds)
                .build();
    }

    @Test
    void postsTheRolesAndReportsWhichWereAddedNow() {
        logto.on(
                HttpMethod.POST,
                USER + "/roles",
                FakeLogto.json(
                        201,
                        new JsonObject()
                                .put("roleIds", new JsonArray().add("r1").add("r2"))
                                .put("addedRoleIds", new JsonArray().add("r2"))));

        HandlerResult result = result(handler.execute(assign(List.of("r1", "r2")), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details()).containsEntry("addedRoleIds", "r2");
        assertThat(logto.lines()).containsExactly("POST " + USER + "/roles");
        assertThat(logto.writes().get(0).body())
                .isEqualTo(new JsonObject()
                        .put("roleIds", new JsonArray().add("r1").add("r2")));
        assertWritesCarryTheKey(logto);
    }

    @Test
    void aReplayAddsNothingAndStillSucceeds() {
        logto.on(
                HttpMethod.POST,
                USER + "/roles",
                FakeLogto.json(201, new JsonObject().put("addedRoleIds", new JsonArray())));

        HandlerResult result = result(handler.execute(assign(List.of("r1")), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details()).containsEntry("addedRoleIds", "");
    }

    /** What Logto 1.42 answers for each refusal (../shared/logto/README.md, Roles) and how the command ends. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("refusals")
    void logtosRefusalsEndFailed(int status, String logtoCode, String outcomeCode) {
        logto.on(HttpMethod.POST, USER + "/roles", FakeLogto.error(status, logtoCode));

        assertFailed(result(handler.execute(assign(List.of("r1")), context(logto))), outcomeCode, status);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(404, "entity.not_exists_with_id", "entity.not_exists_with_id"),
                Arguments.of(422, "user.invalid_role_type", "user.invalid_role_type"),
                Arguments.of(404, "entity.not_found", UserResolver.USER_NOT_FOUND),
                Arguments.of(404, "entity.relation_foreign_key_not_found", UserResolver.USER_NOT_FOUND),
                Arguments.of(400, "guard.invalid_input", "guard.invalid_input"),
                // The inline reading this handler had left 409 out; it is a refusal like for every other command.
                Arguments.of(409, "entity.unique_integrity_violation", "entity.unique_integrity_violation"));
    }

    @Test
    void theRolesGrantedAreDeclaredForTheIssuerPolicy() {
        assertThat(handler.roleEffects(assign(List.of("r1", "r2"))).granted()).containsExactly("r1", "r2");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidRoleListsAreFieldErrors(List<String> roleIds, List<String> fields) {
        assertThat(fields(handler.validate(assign(roleIds)))).containsExactlyElementsOf(fields);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(List.of(), List.of("roleIds")),
                Arguments.of(List.of("ok", " "), List.of("roleIds[1]")),
                Arguments.of(java.util.Collections.nCopies(101, "r"), List.of("roleIds")));
    }
}
