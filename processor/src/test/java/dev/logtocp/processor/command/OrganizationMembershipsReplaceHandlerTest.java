package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.OrganizationMembershipsReplace;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OrganizationMembershipsReplaceHandlerTest {
    private static final String LIST = USER + "/organizations";
    private final OrganizationMembershipsReplaceHandler handler = new OrganizationMembershipsReplaceHandler();
    private final FakeLogto logto = new FakeLogto();

    private static OrganizationMembershipsReplace replace(List<String> organizationIds) {
        return OrganizationMembershipsReplace.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setOrganizationIds(organizationIds)
                .build();
    }

    private static JsonArray organizations(String... ids) {
        JsonArray list = new JsonArray();
        for (String id : ids) {
            list.add(new JsonObject().put("id", id));
        }
        return list;
    }

    @Test
    void checksTheNewOrganizationsThenAddsAndRemovesOneAtATime() {
        logto.on(HttpMethod.GET, LIST, FakeLogto.json(200, organizations("acme", "globex")))
                .on(
                        HttpMethod.GET,
                        "/api/organizations/initech",
                        FakeLogto.json(200, new JsonObject().put("id", "initech")))
                .on(HttpMethod.POST, "/api/organizations/initech/users", FakeLogto.status(201))
                .on(HttpMethod.DELETE, "/api/organizations/globex/users/" + USER_ID, FakeLogto.status(204));

        HandlerResult result = result(handler.execute(replace(List.of("acme", "initech")), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details())
                .containsEntry("added", "initech")
                .containsEntry("removed", "globex")
                .containsEntry("organizationIds", "acme,initech");
        assertThat(logto.lines())
                .containsExactly(
                        "GET " + LIST,
                        "GET /api/organizations/initech",
                        "POST /api/organizations/initech/users",
                        "DELETE /api/organizations/globex/users/" + USER_ID);
        assertThat(logto.writes())
                .extracting(FakeLogto.Call::idempotencyKey)
                .containsExactly(KEY + ":add:initech", KEY + ":remove:globex");
    }

    @Test
    void aReplayFindsNothingToDo() {
        logto.on(HttpMethod.GET, LIST, FakeLogto.json(200, organizations("acme")));

        HandlerResult result = result(handler.execute(replace(List.of("acme")), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details()).containsEntry("added", "").containsEntry("removed", "");
        assertThat(logto.writes()).isEmpty();
    }

    @Test
    void anUnknownOrganizationChangesNothing() {
        logto.on(HttpMethod.GET, LIST, FakeLogto.json(200, organizations("acme")))
                .on(HttpMethod.GET, "/api/organizations/nosuch", FakeLogto.error(404, "entity.not_found"));

        assertFailed(
                result(handler.execute(replace(List.of("nosuch")), context(logto))),
                OrganizationCalls.ORGANIZATION_NOT_FOUND,
                404);
        assertThat(logto.writes()).isEmpty();
    }

    @Test
    void aMissingUserIsUserNotFoundBeforeAnyWrite() {
        logto.on(HttpMethod.GET, LIST, FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(replace(List.of("acme")), context(logto))));
        assertThat(logto.writes()).isEmpty();
    }

    @Test
    void aMembershipRemovedMeanwhileCountsAsDone() {
        // The list answered, so the user exists: a 404 on the removal needs no second lookup.
        logto.on(HttpMethod.GET, LIST, FakeLogto.json(200, organizations("globex")))
                .on(
                        HttpMethod.DELETE,
                        "/api/organizations/globex/users/" + USER_ID,
                        FakeLogto.error(404, "entity.not_found"));

        assertSucceeded(result(handler.execute(replace(List.of()), context(logto))), USER_ID);
        assertThat(logto.lines()).doesNotContain("GET " + USER);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidOrganizationListsAreFieldErrors(List<String> organizationIds, List<String> fields) {
        assertThat(fields(handler.validate(replace(organizationIds)))).containsExactlyElementsOf(fields);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(List.of("ok", ""), List.of("organizationIds[1]")),
                Arguments.of(java.util.Collections.nCopies(101, "o"), List.of("organizationIds")));
    }
}
