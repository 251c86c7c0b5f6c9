package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.UserDelete;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

class UserDeleteHandlerTest {
    private final UserDeleteHandler handler = new UserDeleteHandler();
    private final FakeLogto logto = new FakeLogto();

    private static UserDelete delete() {
        return UserDelete.newBuilder().setMeta(meta()).setUser(byId(USER_ID)).build();
    }

    @Test
    void deletesTheUser() {
        logto.on(HttpMethod.DELETE, USER, FakeLogto.status(204));

        HandlerResult result = result(handler.execute(delete(), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details()).isEmpty();
        assertThat(logto.lines()).containsExactly("DELETE " + USER);
        assertWritesCarryTheKey(logto);
    }

    @Test
    void aUserAlreadyGoneIsAlreadyApplied() {
        // The command asks for the user to be absent; Logto's 404 on a repeated delete is that.
        logto.on(HttpMethod.DELETE, USER, FakeLogto.error(404, "entity.not_found"));

        assertAlreadyApplied(result(handler.execute(delete(), context(logto))), USER_ID);
    }

    @Test
    void aRefusalIsFailedWithLogtosCode() {
        logto.on(HttpMethod.DELETE, USER, FakeLogto.error(409, "user.cannot_delete"));

        assertFailed(result(handler.execute(delete(), context(logto))), "user.cannot_delete", 409);
    }

    @Test
    void anExternalIdIsReleasedOnlyForAnExternalIdReference() {
        assertThat(handler.releasesExternalId(UserDelete.newBuilder(delete())
                        .setUser(byExternalId("crm-7"))
                        .build()))
                .contains("crm-7");
        assertThat(handler.releasesExternalId(delete())).isEmpty();
    }

    @Test
    void aBlankReferenceIsAFieldError() {
        assertThat(fields(handler.validate(
                        UserDelete.newBuilder(delete()).setUser(byId(" ")).build())))
                .containsExactly("user.value");
    }
}
