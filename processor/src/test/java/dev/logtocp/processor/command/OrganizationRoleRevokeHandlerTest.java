package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.OrganizationRoleRevoke;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

class OrganizationRoleRevokeHandlerTest {
    private static final String ROLE = "/api/organizations/acme/users/" + USER_ID + "/roles/r1";
    private final OrganizationRoleRevokeHandler handler = new OrganizationRoleRevokeHandler();
    private final FakeLogto logto = new FakeLogto();

    private static OrganizationRoleRevoke revoke(String organizationId) {
        return OrganizationRoleRevoke.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setOrganizationId(organizationId)
                .setOrganizationRoleId("r1")
                .build();
    }

    @Test
    void deletesTheRole() {
        logto.on(HttpMethod.DELETE, ROLE, FakeLogto.status(204));

        HandlerResult result = result(handler.execute(revoke("acme"), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details()).containsEntry("organizationRoleId", "r1").doesNotContainKey("alreadyApplied");
        assertWritesCarryTheKey(logto);
    }

    @Test
    void aRoleTheMemberDoesNotHoldIsAlreadyAppliedWithoutAskingForTheUser() {
        // Logto checked membership before answering 404, so the user exists.
        logto.on(HttpMethod.DELETE, ROLE, FakeLogto.error(404, "entity.not_found"));

        HandlerResult result = result(handler.execute(revoke("acme"), context(logto)));

        assertAlreadyApplied(result, USER_ID);
        assertThat(result.details()).containsEntry("organizationId", "acme");
        assertThat(logto.lines()).containsExactly("DELETE " + ROLE);
    }

    @Test
    void aNonMemberHoldsNoRoleThereAndIsAlreadyApplied() {
        logto.on(HttpMethod.DELETE, ROLE, FakeLogto.error(422, "organization.require_membership"))
                .on(HttpMethod.GET, USER, FakeLogto.json(200, user(USER_ID)));

        assertAlreadyApplied(result(handler.execute(revoke("acme"), context(logto))), USER_ID);
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.DELETE, ROLE, FakeLogto.error(422, "organization.require_membership"))
                .on(HttpMethod.GET, USER, FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(revoke("acme"), context(logto))));
    }

    @Test
    void anotherRefusalIsFailedWithLogtosCode() {
        logto.on(HttpMethod.DELETE, ROLE, FakeLogto.error(400, "guard.invalid_input"));

        assertFailed(result(handler.execute(revoke("acme"), context(logto))), "guard.invalid_input", 400);
    }

    @Test
    void aMissingOrganizationIdIsAFieldError() {
        assertThat(fields(handler.validate(revoke("")))).containsExactly("organizationId");
    }
}
