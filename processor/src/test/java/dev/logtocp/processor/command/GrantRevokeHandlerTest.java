package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.GrantRevoke;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

class GrantRevokeHandlerTest {
    private static final String PATH = USER + "/grants/g1";
    private final GrantRevokeHandler handler = new GrantRevokeHandler();
    private final FakeLogto logto = new FakeLogto();

    private static GrantRevoke revoke(String grantId) {
        return GrantRevoke.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setGrantId(grantId)
                .build();
    }

    @Test
    void deletesTheGrant() {
        logto.on(HttpMethod.DELETE, PATH, FakeLogto.status(204));

        assertSucceeded(result(handler.execute(revoke("g1"), context(logto))), USER_ID);
        assertThat(logto.lines()).containsExactly("DELETE " + PATH);
        assertWritesCarryTheKey(logto);
    }

    @Test
    void aGrantAlreadyRevokedIsAlreadyAppliedOnceTheUserIsFound() {
        logto.on(HttpMethod.DELETE, PATH, FakeLogto.error(404, "entity.not_found"))
                .on(HttpMethod.GET, USER, FakeLogto.json(200, user(USER_ID)));

        assertAlreadyApplied(result(handler.execute(revoke("g1"), context(logto))), USER_ID);
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.DELETE, PATH, FakeLogto.error(404, "entity.not_found"))
                .on(HttpMethod.GET, USER, FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(revoke("g1"), context(logto))));
    }

    @Test
    void aRefusalIsFailedWithLogtosCode() {
        logto.on(HttpMethod.DELETE, PATH, FakeLogto.error(400, "guard.invalid_input"));

        assertFailed(result(handler.execute(revoke("g1"), context(logto))), "guard.invalid_input", 400);
    }

    @Test
    void aBlankGrantIdIsAFieldError() {
        assertThat(fields(handler.validate(revoke(" ")))).containsExactly("grantId");
    }
}
