package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.PersonalAccessTokenDelete;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class PersonalAccessTokenDeleteHandlerTest {
    private static final String PATH = USER + "/personal-access-tokens/delete";
    private final PersonalAccessTokenDeleteHandler handler = new PersonalAccessTokenDeleteHandler();
    private final FakeLogto logto = new FakeLogto();

    private static PersonalAccessTokenDelete delete(String name) {
        return PersonalAccessTokenDelete.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setName(name)
                .build();
    }

    @Test
    void postsTheNameToTheDeleteForm() {
        logto.on(HttpMethod.POST, PATH, FakeLogto.status(204));

        HandlerResult result = result(handler.execute(delete("ci/x"), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details()).containsEntry("name", "ci/x");
        assertThat(logto.writes().get(0).body()).isEqualTo(new JsonObject().put("name", "ci/x"));
        assertWritesCarryTheKey(logto);
    }

    @Test
    void aTokenAlreadyGoneIsAlreadyAppliedOnceTheUserIsFound() {
        logto.on(HttpMethod.POST, PATH, FakeLogto.error(404, "entity.not_found"))
                .on(HttpMethod.GET, USER, FakeLogto.json(200, user(USER_ID)));

        assertAlreadyApplied(result(handler.execute(delete("ci"), context(logto))), USER_ID);
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.POST, PATH, FakeLogto.error(404, "entity.not_found"))
                .on(HttpMethod.GET, USER, FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(delete("ci"), context(logto))));
    }

    @Test
    void aRefusalIsFailedWithLogtosCode() {
        logto.on(HttpMethod.POST, PATH, FakeLogto.error(400, "guard.invalid_input"));

        assertFailed(result(handler.execute(delete("ci"), context(logto))), "guard.invalid_input", 400);
    }

    @Test
    void aMissingNameIsAFieldError() {
        assertThat(fields(handler.validate(delete("")))).containsExactly("name");
    }
}
