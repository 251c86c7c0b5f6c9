package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.PersonalAccessTokenUpdate;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class PersonalAccessTokenUpdateHandlerTest {
    private static final String PATH = USER + "/personal-access-tokens";
    private final PersonalAccessTokenUpdateHandler handler = new PersonalAccessTokenUpdateHandler();
    private final FakeLogto logto = new FakeLogto();

    private static PersonalAccessTokenUpdate rename(String from, String to) {
        return PersonalAccessTokenUpdate.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setCurrentName(from)
                .setNewName(to)
                .build();
    }

    private static JsonArray tokens(String... names) {
        JsonArray list = new JsonArray();
        for (String name : names) {
            list.add(new JsonObject().put("name", name).put("value", "v-" + name));
        }
        return list;
    }

    @Test
    void patchesBothNames() {
        logto.on(HttpMethod.PATCH, PATH, FakeLogto.json(200, new JsonObject()));

        HandlerResult result = result(handler.execute(rename("old", "new"), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details()).containsExactlyEntriesOf(java.util.Map.of("name", "new"));
        assertThat(logto.writes().get(0).body())
                .isEqualTo(new JsonObject().put("currentName", "old").put("name", "new"));
        assertWritesCarryTheKey(logto);
    }

    @Test
    void aReplayAfterTheRenameIsAlreadyApplied() {
        logto.on(HttpMethod.PATCH, PATH, FakeLogto.error(404, "entity.not_exists"))
                .on(HttpMethod.GET, PATH, FakeLogto.json(200, tokens("new")));

        assertAlreadyApplied(result(handler.execute(rename("old", "new"), context(logto))), USER_ID);
        assertThat(logto.lines()).containsExactly("PATCH " + PATH, "GET " + PATH);
    }

    @Test
    void aTokenThatNeverExistedIsFailedWithLogtosCode() {
        logto.on(HttpMethod.PATCH, PATH, FakeLogto.error(404, "entity.not_exists"))
                .on(HttpMethod.GET, PATH, FakeLogto.json(200, tokens("other")));

        assertFailed(result(handler.execute(rename("old", "new"), context(logto))), "entity.not_exists", 404);
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.PATCH, PATH, FakeLogto.error(404, "entity.not_exists"))
                .on(HttpMethod.GET, PATH, FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(rename("old", "new"), context(logto))));
    }

    @Test
    void aNameAnotherTokenHasIsFailedWithLogtosCode() {
        logto.on(HttpMethod.PATCH, PATH, FakeLogto.error(422, "user.personal_access_token_name_exists"));

        assertFailed(
                result(handler.execute(rename("old", "taken"), context(logto))),
                "user.personal_access_token_name_exists",
                422);
    }

    @Test
    void aRenameToTheSameNameIsAFieldError() {
        assertThat(fields(handler.validate(rename("a", "a")))).containsExactly("newName");
    }
}
