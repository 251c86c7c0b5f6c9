package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.PersonalAccessTokenCreate;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PersonalAccessTokenCreateHandlerTest {
    private static final String PATH = USER + "/personal-access-tokens";
    private static final Instant EXPIRES = Instant.parse("2027-01-01T00:00:00Z");
    private static final String VALUE = "pat_value_canary";
    private final PersonalAccessTokenCreateHandler handler = new PersonalAccessTokenCreateHandler();
    private final FakeLogto logto = new FakeLogto();

    private static PersonalAccessTokenCreate create(Instant expiresAt) {
        return PersonalAccessTokenCreate.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setName("ci")
                .setExpiresAt(expiresAt)
                .build();
    }

    private static JsonObject token(String name, Long expiresAt) {
        return new JsonObject().put("name", name).put("value", VALUE).put("expiresAt", expiresAt);
    }

    @Test
    void postsTheTokenAndKeepsItsValueOutOfTheOutcome() {
        logto.on(HttpMethod.POST, PATH, FakeLogto.json(201, token("ci", EXPIRES.toEpochMilli())));

        HandlerResult result = result(handler.execute(create(EXPIRES), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details())
                .containsOnlyKeys("name", "expiresAt")
                .containsEntry("expiresAt", EXPIRES.toString());
        assertThat(result.details().values()).noneMatch(v -> v.contains(VALUE));
        assertThat(logto.writes().get(0).body())
                .isEqualTo(new JsonObject().put("name", "ci").put("expiresAt", EXPIRES.toEpochMilli()));
        assertWritesCarryTheKey(logto);
    }

    @Test
    void aReplayFindsTheSameTokenAndIsAlreadyApplied() {
        logto.on(HttpMethod.POST, PATH, FakeLogto.error(422, PersonalAccessTokenCreateHandler.NAME_EXISTS))
                .on(
                        HttpMethod.GET,
                        PATH,
                        FakeLogto.json(200, new JsonArray().add(token("ci", EXPIRES.toEpochMilli()))));

        HandlerResult result = result(handler.execute(create(EXPIRES), context(logto)));

        assertAlreadyApplied(result, USER_ID);
        assertThat(result.details().values()).noneMatch(v -> v.contains(VALUE));
        assertThat(logto.lines()).containsExactly("POST " + PATH, "GET " + PATH);
    }

    @Test
    void aTokenOfThatNameWithAnotherExpiryIsFailedWithLogtosCode() {
        logto.on(HttpMethod.POST, PATH, FakeLogto.error(422, PersonalAccessTokenCreateHandler.NAME_EXISTS))
                .on(HttpMethod.GET, PATH, FakeLogto.json(200, new JsonArray().add(token("ci", null))));

        assertFailed(
                result(handler.execute(create(EXPIRES), context(logto))),
                PersonalAccessTokenCreateHandler.NAME_EXISTS,
                422);
    }

    @Test
    void aMissingUserIsUserNotFound() {
        // Logto inserts without looking the user up: the foreign key refuses it.
        logto.on(HttpMethod.POST, PATH, FakeLogto.error(404, "entity.relation_foreign_key_not_found"))
                .on(HttpMethod.GET, USER, FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(create(null), context(logto))));
        assertThat(logto.writes().get(0).body()).isEqualTo(new JsonObject().put("name", "ci"));
    }

    @Test
    void aNotFoundForAUserThatExistsKeepsLogtosCode() {
        logto.on(HttpMethod.POST, PATH, FakeLogto.error(404, "entity.relation_foreign_key_not_found"))
                .on(HttpMethod.GET, USER, FakeLogto.json(200, user(USER_ID)));

        assertFailed(
                result(handler.execute(create(null), context(logto))), "entity.relation_foreign_key_not_found", 404);
    }

    @Test
    void aBlankNameAndAnExpiryBefore1970AreFieldErrors() {
        PersonalAccessTokenCreate command = PersonalAccessTokenCreate.newBuilder(create(Instant.ofEpochMilli(0)))
                .setName(" ")
                .build();

        assertThat(fields(handler.validate(command))).containsExactlyInAnyOrder("name", "expiresAt");
    }
}
