package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.OrganizationRolesReplace;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrganizationRolesReplaceHandlerTest {
    private static final String ROLES = "/api/organizations/acme/users/" + USER_ID + "/roles";
    private final OrganizationRolesReplaceHandler handler = new OrganizationRolesReplaceHandler();
    private final FakeLogto logto = new FakeLogto();

    private static OrganizationRolesReplace replace(List<String> roleIds) {
        return OrganizationRolesReplace.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setOrganizationId("acme")
                .setOrganizationRoleIds(roleIds)
                .build();
    }

    @Test
    void putsTheRoleSetEvenWhenEmpty() {
        logto.on(HttpMethod.PUT, ROLES, FakeLogto.status(204));

        HandlerResult result = result(handler.execute(replace(List.of()), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(logto.writes().get(0).body())
                .isEqualTo(new JsonObject().put("organizationRoleIds", new JsonArray()));
        assertWritesCarryTheKey(logto);
    }

    @Test
    void aNonMemberIsFailedRequireMembershipOnceTheUserIsFound() {
        logto.on(HttpMethod.PUT, ROLES, FakeLogto.error(422, "organization.require_membership"))
                .on(HttpMethod.GET, USER, FakeLogto.json(200, user(USER_ID)));

        assertFailed(
                result(handler.execute(replace(List.of("r1")), context(logto))),
                "organization.require_membership",
                422);
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.PUT, ROLES, FakeLogto.error(422, "organization.require_membership"))
                .on(HttpMethod.GET, USER, FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(replace(List.of("r1")), context(logto))));
    }

    @Test
    void anUnknownRoleIsOrganizationRoleNotFound() {
        logto.on(HttpMethod.PUT, ROLES, FakeLogto.error(422, "entity.relation_foreign_key_not_found"));

        assertFailed(
                result(handler.execute(replace(List.of("nope")), context(logto))),
                OrganizationCalls.ORGANIZATION_ROLE_NOT_FOUND,
                422);
    }

    @Test
    void aBlankRoleIdIsAFieldErrorAndReplacingRemovesUnnamedRoles() {
        assertThat(fields(handler.validate(replace(List.of(" "))))).containsExactly("organizationRoleIds[0]");
        assertThat(handler.organizationAccess(replace(List.of())).orElseThrow().removesUnnamedRoles())
                .isTrue();
    }
}
