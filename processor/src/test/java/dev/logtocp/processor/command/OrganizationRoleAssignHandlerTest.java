package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.OrganizationRoleAssign;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OrganizationRoleAssignHandlerTest {
    private static final String ROLES = "/api/organizations/acme/users/" + USER_ID + "/roles";
    private final OrganizationRoleAssignHandler handler = new OrganizationRoleAssignHandler();
    private final FakeLogto logto = new FakeLogto();

    private static OrganizationRoleAssign assign(List<String> roleIds) {
        return OrganizationRoleAssign.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setOrganizationId("acme")
                .setOrganizationRoleIds(roleIds)
                .build();
    }

    @Test
    void postsTheRolesForTheMember() {
        logto.on(HttpMethod.POST, ROLES, FakeLogto.status(201));

        HandlerResult result = result(handler.execute(assign(List.of("r1", "r2")), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details())
                .containsEntry("organizationId", "acme")
                .containsEntry("organizationRoleIds", "r1,r2");
        assertThat(logto.writes().get(0).body())
                .isEqualTo(new JsonObject()
                        .put("organizationRoleIds", new JsonArray().add("r1").add("r2")));
        assertWritesCarryTheKey(logto);
    }

    @Test
    void aNonMemberIsFailedRequireMembershipOnceTheUserIsFound() {
        logto.on(HttpMethod.POST, ROLES, FakeLogto.error(422, "organization.require_membership", "join first"))
                .on(HttpMethod.GET, USER, FakeLogto.json(200, user(USER_ID)));

        HandlerResult result = result(handler.execute(assign(List.of("r1")), context(logto)));

        assertFailed(result, "organization.require_membership", 422);
        assertThat(result.errorMessage()).isEqualTo("join first");
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.POST, ROLES, FakeLogto.error(422, "organization.require_membership"))
                .on(HttpMethod.GET, USER, FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(assign(List.of("r1")), context(logto))));
    }

    @Test
    void anUnknownRoleIsOrganizationRoleNotFound() {
        logto.on(HttpMethod.POST, ROLES, FakeLogto.error(422, "entity.relation_foreign_key_not_found"));

        assertFailed(
                result(handler.execute(assign(List.of("nope")), context(logto))),
                OrganizationCalls.ORGANIZATION_ROLE_NOT_FOUND,
                422);
    }

    @Test
    void aMachineToMachineRoleIsFailedWithLogtosCode() {
        logto.on(HttpMethod.POST, ROLES, FakeLogto.error(422, "entity.db_constraint_violated"));

        assertFailed(
                result(handler.execute(assign(List.of("m2m")), context(logto))), "entity.db_constraint_violated", 422);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidRoleListsAreFieldErrors(List<String> roleIds, List<String> fields) {
        assertThat(fields(handler.validate(assign(roleIds)))).containsExactlyElementsOf(fields);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(List.of(), List.of("organizationRoleIds")),
                Arguments.of(List.of("ok", " "), List.of("organizationRoleIds[1]")));
    }
}
