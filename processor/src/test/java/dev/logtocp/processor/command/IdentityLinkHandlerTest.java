package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.IdentityLink;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class IdentityLinkHandlerTest {
    private static final String CODE = "one-time-code-canary";
    private final IdentityLinkHandler handler = new IdentityLinkHandler();
    private final FakeLogto logto = new FakeLogto();

    private static IdentityLink link(String connectorId, String dataJson) {
        return IdentityLink.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setConnectorId(connectorId)
                .setConnectorDataJson(dataJson)
                .build();
    }

    @Test
    void postsTheConnectorAndItsData() {
        logto.on(HttpMethod.POST, USER + "/identities", FakeLogto.json(200, new JsonObject()));

        HandlerResult result = result(handler.execute(link("github", "{\"code\":\"" + CODE + "\"}"), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details()).containsExactlyEntriesOf(java.util.Map.of("connectorId", "github"));
        assertThat(logto.writes().get(0).body())
                .isEqualTo(new JsonObject()
                        .put("connectorId", "github")
                        .put("connectorData", new JsonObject().put("code", CODE)));
        assertWritesCarryTheKey(logto);
    }

    @Test
    void anUnknownConnectorIsConnectorNotFoundOnceTheUserIsFound() {
        // Logto answers the same 404 entity.not_found for an unknown connector and an unknown user.
        logto.on(HttpMethod.POST, USER + "/identities", FakeLogto.error(404, "entity.not_found"))
                .on(HttpMethod.GET, USER, FakeLogto.json(200, user(USER_ID)));

        assertFailed(
                result(handler.execute(link("nosuch", "{}"), context(logto))),
                IdentityLinkHandler.CONNECTOR_NOT_FOUND,
                404);
        assertThat(logto.lines()).containsExactly("POST " + USER + "/identities", "GET " + USER);
    }

    @Test
    void aMissingUserIsUserNotFound() {
        logto.on(HttpMethod.POST, USER + "/identities", FakeLogto.error(404, "entity.not_found"))
                .on(HttpMethod.GET, USER, FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(link("github", "{}"), context(logto))));
    }

    @Test
    void aConnectorsRefusalKeepsItsCodeButNotItsMessage() {
        logto.on(
                HttpMethod.POST,
                USER + "/identities",
                FakeLogto.error(400, "connector.invalid_code", "code " + CODE + " used"));

        HandlerResult result = result(handler.execute(link("github", "{\"code\":\"" + CODE + "\"}"), context(logto)));

        assertFailed(result, "connector.invalid_code", 400);
        assertThat(result.errorMessage()).doesNotContain(CODE);
    }

    @Test
    void aBlankConnectorAndDataThatIsNotAJsonObjectAreFieldErrors() {
        assertThat(fields(handler.validate(link("", "code=abc"))))
                .containsExactlyInAnyOrder("connectorId", "connectorDataJson");
    }
}
