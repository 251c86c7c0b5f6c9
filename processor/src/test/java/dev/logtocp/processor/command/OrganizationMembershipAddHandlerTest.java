package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.OrganizationMembershipAdd;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class OrganizationMembershipAddHandlerTest {
    private static final String MEMBERS = "/api/organizations/acme/users";
    private final OrganizationMembershipAddHandler handler = new OrganizationMembershipAddHandler();
    private final FakeLogto logto = new FakeLogto();

    private static OrganizationMembershipAdd add(String organizationId) {
        return OrganizationMembershipAdd.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setOrganizationId(organizationId)
                .build();
    }

    @Test
    void postsTheUserToTheOrganization() {
        logto.on(HttpMethod.POST, MEMBERS, FakeLogto.status(201));

        HandlerResult result = result(handler.execute(add("acme"), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details()).containsEntry("organizationId", "acme");
        assertThat(logto.writes().get(0).body())
                .isEqualTo(new JsonObject().put("userIds", new JsonArray().add(USER_ID)));
        assertWritesCarryTheKey(logto);
    }

    @Test
    void anUnknownOrganizationIsOrganizationNotFoundOnceTheUserIsFound() {
        // Logto answers the same 422 for a missing user and a missing organization.
        logto.on(HttpMethod.POST, MEMBERS, FakeLogto.error(422, "entity.relation_foreign_key_not_found"))
                .on(HttpMethod.GET, USER, FakeLogto.json(200, user(USER_ID)));

        assertFailed(
                result(handler.execute(add("acme"), context(logto))), OrganizationCalls.ORGANIZATION_NOT_FOUND, 422);
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.POST, MEMBERS, FakeLogto.error(422, "entity.relation_foreign_key_not_found"))
                .on(HttpMethod.GET, USER, FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(add("acme"), context(logto))));
    }

    @Test
    void anotherRefusalIsFailedWithLogtosCode() {
        logto.on(HttpMethod.POST, MEMBERS, FakeLogto.error(400, "guard.invalid_input"));

        assertFailed(result(handler.execute(add("acme"), context(logto))), "guard.invalid_input", 400);
    }

    @Test
    void aBlankOrganizationIdIsAFieldError() {
        assertThat(fields(handler.validate(add(" ")))).containsExactly("organizationId");
    }
}
