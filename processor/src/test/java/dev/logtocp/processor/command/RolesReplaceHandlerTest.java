package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.RolesReplace;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolesReplaceHandlerTest {
    private final RolesReplaceHandler handler = new RolesReplaceHandler();
    private final FakeLogto logto = new FakeLogto();

    private static RolesReplace replace(List<String> roleIds) {
        return RolesReplace.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setRoleIds(roleIds)
                .build();
    }

    private static JsonObject role(String id, String type) {
        return new JsonObject().put("id", id).put("type", type);
    }

    @Test
    void looksEveryRoleUpOnceThenPutsTheSet() {
        logto.on(HttpMethod.GET, "/api/roles/r1", FakeLogto.json(200, role("r1", "User")))
                .on(HttpMethod.GET, "/api/roles/r2", FakeLogto.json(200, role("r2", "User")))
                .on(HttpMethod.PUT, USER + "/roles", FakeLogto.json(200, new JsonObject()));

        HandlerResult result = result(handler.execute(replace(List.of("r1", "r2", "r1")), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details()).containsEntry("roleIds", "r1,r2,r1");
        assertThat(logto.lines()).containsExactly("GET /api/roles/r1", "GET /api/roles/r2", "PUT " + USER + "/roles");
        assertThat(logto.writes().get(0).body())
                .isEqualTo(new JsonObject()
                        .put("roleIds", new JsonArray().add("r1").add("r2").add("r1")));
        assertWritesCarryTheKey(logto);
    }

    @Test
    void anEmptySetClearsWithoutLookups() {
        logto.on(HttpMethod.PUT, USER + "/roles", FakeLogto.json(200, new JsonObject()));

        assertSucceeded(result(handler.execute(replace(List.of()), context(logto))), USER_ID);
        assertThat(logto.lines()).containsExactly("PUT " + USER + "/roles");
    }

    @Test
    void anUnknownRoleIsFailedBeforeThePut() {
        logto.on(HttpMethod.GET, "/api/roles/nope", FakeLogto.error(404, "entity.not_exists_with_id"));

        assertFailed(
                result(handler.execute(replace(List.of("nope")), context(logto))), "entity.not_exists_with_id", 404);
        assertThat(logto.writes()).isEmpty();
    }

    @Test
    void aMachineToMachineRoleIsFailedBeforeThePut() {
        logto.on(HttpMethod.GET, "/api/roles/m2m", FakeLogto.json(200, role("m2m", "MachineToMachine")));

        assertFailed(result(handler.execute(replace(List.of("m2m")), context(logto))), "user.invalid_role_type", 422);
        assertThat(logto.writes()).isEmpty();
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.PUT, USER + "/roles", FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(replace(List.of()), context(logto))));
    }

    @Test
    void aBlankOrMissingRoleListIsAFieldError() {
        assertThat(fields(handler.validate(replace(List.of("ok", " "))))).containsExactly("roleIds[1]");
        RolesReplace none = replace(List.of());
        none.setRoleIds(null);
        assertThat(fields(handler.validate(none))).containsExactly("roleIds");
    }
}
