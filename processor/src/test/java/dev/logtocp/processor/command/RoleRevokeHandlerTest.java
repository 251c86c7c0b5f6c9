package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.RoleRevoke;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

class RoleRevokeHandlerTest {
    private final RoleRevokeHandler handler = new RoleRevokeHandler();
    private final FakeLogto logto = new FakeLogto();

    private static RoleRevoke revoke(String roleId) {
        return RoleRevoke.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setRoleId(roleId)
                .build();
    }

    @Test
    void deletesTheRole() {
        logto.on(HttpMethod.DELETE, USER + "/roles/r1", FakeLogto.status(204));

        assertSucceeded(result(handler.execute(revoke("r1"), context(logto))), USER_ID);
        assertThat(logto.lines()).containsExactly("DELETE " + USER + "/roles/r1");
        assertWritesCarryTheKey(logto);
    }

    @Test
    void aRoleTheUserDoesNotHaveIsAlreadyAppliedOnceTheUserIsFound() {
        logto.on(HttpMethod.DELETE, USER + "/roles/r1", FakeLogto.error(404, "entity.not_found"))
                .on(HttpMethod.GET, USER, FakeLogto.json(200, user(USER_ID)));

        assertAlreadyApplied(result(handler.execute(revoke("r1"), context(logto))), USER_ID);
        assertThat(logto.lines()).containsExactly("DELETE " + USER + "/roles/r1", "GET " + USER);
    }

    @Test
    void aMissingUserIsUserNotFound() {
        // Logto gives the same 404 for a missing user: the user is asked for.
        logto.on(HttpMethod.DELETE, USER + "/roles/r1", FakeLogto.error(404, "entity.not_found"))
                .on(HttpMethod.GET, USER, FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(revoke("r1"), context(logto))));
    }

    @Test
    void aRefusalIsFailedWithLogtosCode() {
        logto.on(HttpMethod.DELETE, USER + "/roles/r1", FakeLogto.error(422, "role.cannot_remove"));

        assertFailed(result(handler.execute(revoke("r1"), context(logto))), "role.cannot_remove", 422);
    }

    @Test
    void theRoleIdPathSegmentIsEncoded() {
        logto.on(HttpMethod.DELETE, USER + "/roles/a%2Fb", FakeLogto.status(204));

        assertSucceeded(result(handler.execute(revoke("a/b"), context(logto))), USER_ID);
    }

    @Test
    void aMissingRoleIdIsAFieldError() {
        assertThat(fields(handler.validate(revoke("")))).containsExactly("roleId");
    }
}
