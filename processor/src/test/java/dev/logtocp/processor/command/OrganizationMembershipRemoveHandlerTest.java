package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.OrganizationMembershipRemove;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

class OrganizationMembershipRemoveHandlerTest {
    private static final String MEMBER = "/api/organizations/acme/users/" + USER_ID;
    private final OrganizationMembershipRemoveHandler handler = new OrganizationMembershipRemoveHandler();
    private final FakeLogto logto = new FakeLogto();

    private static OrganizationMembershipRemove remove(String organizationId) {
        return OrganizationMembershipRemove.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setOrganizationId(organizationId)
                .build();
    }

    @Test
    void deletesTheMembership() {
        logto.on(HttpMethod.DELETE, MEMBER, FakeLogto.status(204));

        HandlerResult result = result(handler.execute(remove("acme"), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details()).containsEntry("organizationId", "acme");
        assertWritesCarryTheKey(logto);
    }

    @Test
    void aNonMemberIsAlreadyAppliedOnceTheUserIsFound() {
        logto.on(HttpMethod.DELETE, MEMBER, FakeLogto.error(404, "entity.not_found"))
                .on(HttpMethod.GET, USER, FakeLogto.json(200, user(USER_ID)));

        HandlerResult result = result(handler.execute(remove("acme"), context(logto)));

        assertAlreadyApplied(result, USER_ID);
        assertThat(result.details()).containsEntry("organizationId", "acme");
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.DELETE, MEMBER, FakeLogto.error(404, "entity.not_found"))
                .on(HttpMethod.GET, USER, FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(remove("acme"), context(logto))));
    }

    @Test
    void anotherRefusalIsFailedWithLogtosCode() {
        logto.on(HttpMethod.DELETE, MEMBER, FakeLogto.error(422, "organization.cannot_remove"));

        assertFailed(result(handler.execute(remove("acme"), context(logto))), "organization.cannot_remove", 422);
    }

    @Test
    void leavingIsDeclaredAsDroppingEveryOrganizationRoleThere() {
        var access = handler.organizationAccess(remove("acme")).orElseThrow();
        assertThat(access.organizationIds()).containsExactly("acme");
        assertThat(access.removesUnnamedRoles()).isTrue();
        assertThat(fields(handler.validate(remove("")))).containsExactly("organizationId");
    }
}
