package dev.logtocp.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Logto behaviours the command processor relies on, checked over HTTP only, so the same suite validates the
 * simulator and, with {@code LOGTO_ENDPOINT}/{@code LOGTO_M2M_APP_ID}/{@code LOGTO_M2M_APP_SECRET} set, a real
 * Logto. Every name it creates carries a random suffix and is deleted afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogtoContractIT {

    private static final AtomicInteger CHECKED = new AtomicInteger();

    private LogtoTarget target;
    private ApiClient api;
    private final List<String> createdUsers = new ArrayList<>();
    private final List<String> createdRoles = new ArrayList<>();
    private final List<String> createdOrganizations = new ArrayList<>();
    private final List<String> createdOrganizationRoles = new ArrayList<>();

    @BeforeAll
    void start() {
        target = LogtoTarget.fromEnvironment();
        api = target.client();
        System.out.println("contract suite: running against " + target.describe());
        if (target.isSimulator()) {
            System.out.println("contract suite: real-Logto run skipped (LOGTO_ENDPOINT, LOGTO_M2M_APP_ID, "
                    + "LOGTO_M2M_APP_SECRET not set)");
        }
    }

    @AfterAll
    void cleanUpAndReport() {
        try {
            createdUsers.forEach(id -> api.delete("/api/users/" + id));
            createdRoles.forEach(id -> api.delete("/api/roles/" + id));
            createdOrganizations.forEach(id -> api.delete("/api/organizations/" + id));
            createdOrganizationRoles.forEach(id -> api.delete("/api/organization-roles/" + id));
        } finally {
            System.out.println("contract suite: " + CHECKED.get() + " behaviours checked against "
                    + (target.isSimulator() ? "simulator" : "real Logto"));
            target.close();
        }
    }

    private static void behaviour() {
        CHECKED.incrementAndGet();
    }

    private static String suffix() {
        StringBuilder sb = new StringBuilder();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 10; i++) {
            sb.append((char) ('a' + random.nextInt(26)));
        }
        return sb.toString();
    }

    private static String phone() {
        return "1" + (1_000_000_000L + ThreadLocalRandom.current().nextLong(8_000_000_000L));
    }

    private JsonObject createUser(JsonObject body) {
        ApiClient.Response created = api.post("/api/users", body);
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = created.json().getString("id");
        createdUsers.add(id);
        return created.json();
    }

    private String createRole(String type) {
        ApiClient.Response created = api.post(
                "/api/roles",
                new JsonObject()
                        .put("name", "ct-role-" + suffix())
                        .put("description", "contract suite")
                        .put("type", type));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = created.json().getString("id");
        createdRoles.add(id);
        return id;
    }

    private String createOrganization() {
        ApiClient.Response created = api.post("/api/organizations", new JsonObject().put("name", "ct-org-" + suffix()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().getString("id");
        createdOrganizations.add(id);
        return id;
    }

    private String createOrganizationRole(String type) {
        ApiClient.Response created = api.post(
                "/api/organization-roles",
                new JsonObject().put("name", "ct-orole-" + suffix()).put("type", type));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().getString("id");
        createdOrganizationRoles.add(id);
        return id;
    }

    // ---- authentication ------------------------------------------------------------------------------------------

    @Test
    void clientCredentialsTokenIsIssuedWithBasicOrFormAuthentication() {
        for (boolean basic : new boolean[] {true, false}) {
            ApiClient.Response token =
                    api.requestToken(target.appId(), target.appSecret(), target.resource(), "all", basic);
            assertThat(token.status()).isEqualTo(200);
            assertThat(token.json().getString("token_type")).isEqualTo("Bearer");
            assertThat(token.json().getString("scope")).isEqualTo("all");
            assertThat(token.json().getLong("expires_in")).isPositive();
            assertThat(token.json().getString("access_token")).isNotBlank();
            behaviour();
        }
    }

    @Test
    void wrongSecretIsInvalidClientAndUnknownResourceIsInvalidTarget() {
        ApiClient.Response wrongSecret =
                api.requestToken(target.appId(), "not-the-secret", target.resource(), "all", true);
        assertThat(wrongSecret.status()).isEqualTo(401);
        assertThat(wrongSecret.code()).isEqualTo("oidc.invalid_client");
        behaviour();
        ApiClient.Response unknownResource =
                api.requestToken(target.appId(), target.appSecret(), "https://unknown.example.com/api", "all", true);
        assertThat(unknownResource.status()).isEqualTo(400);
        assertThat(unknownResource.code()).isEqualTo("oidc.invalid_target");
        behaviour();
    }

    @Test
    void apiRefusesBadTokensBasicAuthAndTokensWithoutScopeAll() {
        ApiClient.Response badToken = api.raw(
                "GET",
                "/api/users?page_size=1",
                null,
                Map.of("Authorization", "Bearer not-a-token"),
                Duration.ofSeconds(10));
        assertThat(badToken.status()).isEqualTo(401);
        assertThat(badToken.code()).isEqualTo("auth.unauthorized");
        behaviour();
        ApiClient.Response basic = api.raw(
                "GET",
                "/api/users?page_size=1",
                null,
                Map.of("Authorization", ApiClient.basic(target.appId(), target.appSecret())),
                Duration.ofSeconds(10));
        assertThat(basic.status()).isEqualTo(401);
        assertThat(basic.code()).isEqualTo("auth.authorization_token_type_not_supported");
        behaviour();
        ApiClient.Response missing = api.raw("GET", "/api/users?page_size=1", null, Map.of(), Duration.ofSeconds(10));
        assertThat(missing.status()).isEqualTo(401);
        behaviour();
        String unscoped = api.requestToken(target.appId(), target.appSecret(), target.resource(), null, true)
                .json()
                .getString("access_token");
        ApiClient.Response forbidden = api.raw(
                "GET",
                "/api/users?page_size=1",
                null,
                Map.of("Authorization", "Bearer " + unscoped),
                Duration.ofSeconds(10));
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.code()).isEqualTo("auth.forbidden");
        behaviour();
    }

    // ---- users ---------------------------------------------------------------------------------------------------

    @Test
    void createUserAnswers200WithTheStoredUser() {
        String s = suffix();
        JsonObject user = createUser(new JsonObject()
                .put("username", "ct_" + s)
                .put("primaryEmail", "ct." + s + "@example.com")
                .put("password", "123")
                .put("name", "Contract " + s)
                .put(
                        "customData",
                        new JsonObject().put("externalId", "ext-" + s).put("nested", new JsonObject().put("a", 1))));
        assertThat(user.getString("id")).matches("[a-z0-9]{12}");
        assertThat(user.getString("username")).isEqualTo("ct_" + s);
        assertThat(user.getJsonObject("customData"))
                .isEqualTo(new JsonObject().put("externalId", "ext-" + s).put("nested", new JsonObject().put("a", 1)));
        assertThat(user.getBoolean("hasPassword")).isTrue();
        assertThat(user.getBoolean("isSuspended")).isFalse();
        assertThat(user.containsKey("password")).isFalse();
        assertThat(user.getJsonObject("identities")).isEqualTo(new JsonObject());
        behaviour();
    }

    @Test
    void takenUsernameEmailInAnyCaseAndPhoneAnswer422() {
        String s = suffix();
        String phone = phone();
        createUser(new JsonObject()
                .put("username", "ct_" + s)
                .put("primaryEmail", "ct." + s + "@example.com")
                .put("primaryPhone", phone));
        ApiClient.Response username = api.post("/api/users", new JsonObject().put("username", "ct_" + s));
        assertThat(username.status()).isEqualTo(422);
        assertThat(username.code()).isEqualTo("user.username_already_in_use");
        behaviour();
        ApiClient.Response email = api.post(
                "/api/users",
                new JsonObject()
                        .put("username", "ct_" + s + "b")
                        .put("primaryEmail", ("ct." + s + "@example.com").toUpperCase()));
        assertThat(email.status()).isEqualTo(422);
        assertThat(email.code()).isEqualTo("user.email_already_in_use");
        behaviour();
        ApiClient.Response phoneTaken = api.post(
                "/api/users", new JsonObject().put("username", "ct_" + s + "c").put("primaryPhone", phone));
        assertThat(phoneTaken.status()).isEqualTo(422);
        assertThat(phoneTaken.code()).isEqualTo("user.phone_already_in_use");
        behaviour();
    }

    @Test
    void usernameDifferingOnlyInCaseCreatesASecondUser() {
        String s = suffix();
        JsonObject lower = createUser(new JsonObject().put("username", "ct_" + s));
        JsonObject upper = createUser(new JsonObject().put("username", ("ct_" + s).toUpperCase()));
        assertThat(upper.getString("id")).isNotEqualTo(lower.getString("id"));
        behaviour();
    }

    @Test
    void invalidUsernameOrEmailIsA400GuardErrorNamingTheField() {
        for (String field : List.of("username", "primaryEmail")) {
            String value = field.equals("username") ? "1bad-name" : "not-an-email";
            ApiClient.Response answer = api.post("/api/users", new JsonObject().put(field, value));
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.code()).isEqualTo("guard.invalid_input");
            JsonArray issues = answer.json().getJsonObject("data").getJsonArray("issues");
            assertThat(issues).isNotEmpty();
            JsonObject issue = issues.getJsonObject(0);
            assertThat(issue.getJsonArray("path")).isEqualTo(new JsonArray().add(field));
            assertThat(issue.getString("code")).isNotBlank();
            assertThat(issue.getString("message")).isNotBlank();
            assertThat(answer.json().getString("details")).contains(field);
            behaviour();
        }
    }

    @Test
    void missingUserIs404AndDeleteIs204ThenNotFound() {
        for (String method : List.of("GET", "PATCH", "DELETE")) {
            ApiClient.Response answer = api.call(
                    method,
                    "/api/users/doesnotexist1",
                    method.equals("PATCH") ? new JsonObject().put("name", "x") : null);
            assertThat(answer.status()).as(method).isEqualTo(404);
            assertThat(answer.code()).isEqualTo("entity.not_found");
            behaviour();
        }
        String id =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        assertThat(api.delete("/api/users/" + id).status()).isEqualTo(204);
        assertThat(api.delete("/api/users/" + id).code()).isEqualTo("entity.not_found");
        assertThat(api.get("/api/users/" + id).status()).isEqualTo(404);
        behaviour();
    }

    @Test
    void patchWithNothingKnownToUpdateIs422EntityInvalidInput() {
        String id =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        for (JsonObject body : List.of(new JsonObject(), new JsonObject().put("bogus", 1))) {
            ApiClient.Response answer = api.patch("/api/users/" + id, body);
            assertThat(answer.status()).isEqualTo(422);
            assertThat(answer.code()).isEqualTo("entity.invalid_input");
            behaviour();
        }
    }

    @Test
    void patchReplacesCustomDataWhileCustomDataEndpointMergesTopLevel() {
        String id = createUser(new JsonObject()
                        .put("username", "ct_" + suffix())
                        .put("customData", new JsonObject().put("a", 1).put("b", 2)))
                .getString("id");
        ApiClient.Response replaced =
                api.patch("/api/users/" + id, new JsonObject().put("customData", new JsonObject().put("only", "this")));
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json().getJsonObject("customData")).isEqualTo(new JsonObject().put("only", "this"));
        behaviour();
        ApiClient.Response merged = api.patch(
                "/api/users/" + id + "/custom-data",
                new JsonObject().put("customData", new JsonObject().put("added", true)));
        assertThat(merged.status()).isEqualTo(200);
        assertThat(merged.json()).isEqualTo(new JsonObject().put("only", "this").put("added", true));
        assertThat(api.get("/api/users/" + id + "/custom-data").json()).isEqualTo(merged.json());
        behaviour();
    }

    @Test
    void patchWithNullPrimaryEmailClearsIt() {
        String s = suffix();
        String id = createUser(
                        new JsonObject().put("username", "ct_" + s).put("primaryEmail", "ct." + s + "@example.com"))
                .getString("id");
        ApiClient.Response cleared = api.patch("/api/users/" + id, new JsonObject().putNull("primaryEmail"));
        assertThat(cleared.status()).isEqualTo(200);
        assertThat(cleared.json().getValue("primaryEmail")).isNull();
        behaviour();
    }

    @Test
    void suspendingIsIdempotent() {
        String id =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        for (boolean value : new boolean[] {true, true, false}) {
            ApiClient.Response answer =
                    api.patch("/api/users/" + id + "/is-suspended", new JsonObject().put("isSuspended", value));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().getBoolean("isSuspended")).isEqualTo(value);
        }
        behaviour();
        ApiClient.Response missing =
                api.patch("/api/users/doesnotexist1/is-suspended", new JsonObject().put("isSuspended", true));
        assertThat(missing.code()).isEqualTo("entity.not_found");
        behaviour();
    }

    @Test
    void passwordVerificationAnswers204ForTheRightPasswordAnd422Otherwise() {
        String id =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        assertThat(api.patch("/api/users/" + id + "/password", new JsonObject().put("password", "Str0ng-Passw0rd!x"))
                        .status())
                .isEqualTo(200);
        behaviour();
        assertThat(api.get("/api/users/" + id + "/has-password").json().getBoolean("hasPassword"))
                .isTrue();
        assertThat(api.post(
                                "/api/users/" + id + "/password/verify",
                                new JsonObject().put("password", "Str0ng-Passw0rd!x"))
                        .status())
                .isEqualTo(204);
        behaviour();
        ApiClient.Response wrong =
                api.post("/api/users/" + id + "/password/verify", new JsonObject().put("password", "wrong-pw-123!"));
        assertThat(wrong.status()).isEqualTo(422);
        assertThat(wrong.code()).isEqualTo("session.invalid_credentials");
        behaviour();
        assertThat(api.patch("/api/users/doesnotexist1/password", new JsonObject().put("password", "x"))
                        .status())
                .isEqualTo(404);
        behaviour();
    }

    @Test
    void idempotencyKeyIsIgnoredSoARepeatedCreateIs422() {
        String body = new JsonObject().put("username", "ct_" + suffix()).encode();
        Map<String, String> headers =
                Map.of("Authorization", "Bearer " + api.token(), "Idempotency-Key", "ct-" + suffix());
        ApiClient.Response first = api.raw("POST", "/api/users", body, headers, Duration.ofSeconds(10));
        assertThat(first.status()).isEqualTo(200);
        createdUsers.add(first.json().getString("id"));
        ApiClient.Response second = api.raw("POST", "/api/users", body, headers, Duration.ofSeconds(10));
        assertThat(second.status()).isEqualTo(422);
        assertThat(second.code()).isEqualTo("user.username_already_in_use");
        behaviour();
    }

    // ---- search --------------------------------------------------------------------------------------------------

    @Test
    void exactUsernameSearchIsCaseInsensitiveUnlessAskedAndReportsTotalNumber() {
        String s = suffix();
        String id = createUser(new JsonObject().put("username", "ct_" + s)).getString("id");
        String upper = ApiClient.enc(("ct_" + s).toUpperCase());
        ApiClient.Response sensitive =
                api.get("/api/users?search.username=" + upper + "&mode.username=exact&isCaseSensitive=true");
        assertThat(sensitive.status()).isEqualTo(200);
        assertThat(sensitive.array()).isEmpty();
        assertThat(sensitive.header("Total-Number")).isEqualTo("0");
        behaviour();
        ApiClient.Response insensitive = api.get("/api/users?search.username=" + upper + "&mode.username=exact");
        assertThat(insensitive.array().getJsonObject(0).getString("id")).isEqualTo(id);
        assertThat(insensitive.header("Total-Number")).isEqualTo("1");
        behaviour();
        ApiClient.Response exact =
                api.get("/api/users?search.username=ct_" + s + "&mode.username=exact&isCaseSensitive=true");
        assertThat(exact.array()).hasSize(1);
        behaviour();
    }

    @Test
    void customDataAndNestedFieldsCannotBeSearched() {
        for (String query : List.of("search.customData=x", "search.foo.bar=x")) {
            ApiClient.Response answer = api.get("/api/users?" + query);
            assertThat(answer.status()).as(query).isEqualTo(400);
            assertThat(answer.code()).isEqualTo("request.invalid_input");
            behaviour();
        }
    }

    // ---- roles ---------------------------------------------------------------------------------------------------

    @Test
    void repeatedRoleAssignmentAnswers201WithNoAddedRoles() {
        String id =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String role = createRole("User");
        JsonObject body = new JsonObject().put("roleIds", new JsonArray().add(role));
        ApiClient.Response first = api.post("/api/users/" + id + "/roles", body);
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json().getJsonArray("addedRoleIds")).isEqualTo(new JsonArray().add(role));
        behaviour();
        ApiClient.Response again = api.post("/api/users/" + id + "/roles", body);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json().getJsonArray("addedRoleIds")).isEmpty();
        behaviour();
    }

    @Test
    void roleAssignmentRefusesMissingRolesMachineRolesAndMissingUsers() {
        String id =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        ApiClient.Response missingRole = api.post(
                "/api/users/" + id + "/roles", new JsonObject().put("roleIds", new JsonArray().add("nosuchrole")));
        assertThat(missingRole.status()).isEqualTo(404);
        assertThat(missingRole.code()).isEqualTo("entity.not_exists_with_id");
        behaviour();
        String machineRole = createRole("MachineToMachine");
        ApiClient.Response m2m = api.post(
                "/api/users/" + id + "/roles", new JsonObject().put("roleIds", new JsonArray().add(machineRole)));
        assertThat(m2m.status()).isEqualTo(422);
        assertThat(m2m.code()).isEqualTo("user.invalid_role_type");
        behaviour();
        String role = createRole("User");
        ApiClient.Response missingUser =
                api.post("/api/users/doesnotexist1/roles", new JsonObject().put("roleIds", new JsonArray().add(role)));
        assertThat(missingUser.status()).isEqualTo(404);
        assertThat(missingUser.code()).isEqualTo("entity.not_found");
        behaviour();
    }

    @Test
    void putRolesReplacesTheSetAndEmptyClearsIt() {
        String id =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String first = createRole("User");
        String second = createRole("User");
        api.post("/api/users/" + id + "/roles", new JsonObject().put("roleIds", new JsonArray().add(first)));
        ApiClient.Response replaced =
                api.put("/api/users/" + id + "/roles", new JsonObject().put("roleIds", new JsonArray().add(second)));
        assertThat(replaced.status()).isEqualTo(200);
        JsonArray roles = api.get("/api/users/" + id + "/roles").array();
        assertThat(roles).hasSize(1);
        assertThat(roles.getJsonObject(0).getString("id")).isEqualTo(second);
        behaviour();
        assertThat(api.put("/api/users/" + id + "/roles", new JsonObject().put("roleIds", new JsonArray()))
                        .status())
                .isEqualTo(200);
        assertThat(api.get("/api/users/" + id + "/roles").array()).isEmpty();
        behaviour();
    }

    @Test
    void putRolesWithAMachineRoleDeletesTheUnwantedRolesFirstAndThenFails() {
        // Logto's PUT checks that each role to add exists, deletes the roles not wanted, then inserts the new ones; the
        // database's role-type check fails that insert. No transaction: the deletions stay. RolesReplace checks types
        // itself for this reason.
        String id =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String kept = createRole("User");
        String dropped = createRole("User");
        String machineRole = createRole("MachineToMachine");
        api.post(
                "/api/users/" + id + "/roles",
                new JsonObject().put("roleIds", new JsonArray().add(kept).add(dropped)));
        ApiClient.Response refused = api.put(
                "/api/users/" + id + "/roles",
                new JsonObject().put("roleIds", new JsonArray().add(kept).add(machineRole)));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.code()).isEqualTo("entity.db_constraint_violated");
        assertThat(api.get("/api/users/" + id + "/roles").array().stream().map(r -> ((JsonObject) r).getString("id")))
                .containsExactly(kept);
        behaviour();
        ApiClient.Response missing = api.put(
                "/api/users/" + id + "/roles", new JsonObject().put("roleIds", new JsonArray().add("nosuchrole")));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.code()).isEqualTo("entity.not_exists_with_id");
        assertThat(api.get("/api/users/" + id + "/roles").array())
                .as("checked before any deletion")
                .hasSize(1);
        behaviour();
        ApiClient.Response twice = api.put(
                "/api/users/" + id + "/roles",
                new JsonObject().put("roleIds", new JsonArray().add(kept).add(kept)));
        assertThat(twice.status()).isEqualTo(200);
        assertThat(twice.json().getJsonArray("roleIds")).isEqualTo(new JsonArray().add(kept));
        behaviour();
    }

    @Test
    void aRoleAnswersItsTypeAndAMissingRoleIs404() {
        String machineRole = createRole("MachineToMachine");
        ApiClient.Response found = api.get("/api/roles/" + machineRole);
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().getString("type")).isEqualTo("MachineToMachine");
        behaviour();
        ApiClient.Response missing = api.get("/api/roles/nosuchrole");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.code()).isEqualTo("entity.not_exists_with_id");
        behaviour();
    }

    @Test
    void linkingThroughAnUnknownConnectorIs404LikeAMissingUser() {
        String id =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        JsonObject body = new JsonObject().put("connectorId", "nosuchconnector").put("connectorData", new JsonObject());
        ApiClient.Response unknownConnector = api.post("/api/users/" + id + "/identities", body);
        assertThat(unknownConnector.status()).isEqualTo(404);
        assertThat(unknownConnector.code()).isEqualTo("entity.not_found");
        ApiClient.Response unknownUser = api.post("/api/users/doesnotexist1/identities", body);
        assertThat(unknownUser.status()).isEqualTo(404);
        assertThat(unknownUser.code()).isEqualTo("entity.not_found");
        behaviour();
    }

    @Test
    void removingARoleThatIsNotAssignedIs404() {
        String id =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String role = createRole("User");
        api.post("/api/users/" + id + "/roles", new JsonObject().put("roleIds", new JsonArray().add(role)));
        assertThat(api.delete("/api/users/" + id + "/roles/" + role).status()).isEqualTo(204);
        behaviour();
        ApiClient.Response again = api.delete("/api/users/" + id + "/roles/" + role);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.code()).isEqualTo("entity.not_found");
        behaviour();
    }

    // ---- sessions and MFA ----------------------------------------------------------------------------------------

    @Test
    void sessionListIsAnObjectAndMissingSessionsAre404SessionNotFound() {
        String id =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        for (String user : List.of(id, "doesnotexist1")) {
            ApiClient.Response list = api.get("/api/users/" + user + "/sessions");
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.json().getJsonArray("sessions")).isEmpty();
            behaviour();
        }
        for (String method : List.of("GET", "DELETE")) {
            ApiClient.Response missing = api.call(method, "/api/users/" + id + "/sessions/nosuchsession", null);
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.code()).isEqualTo("oidc.session_not_found");
            behaviour();
        }
    }

    /** A user with a password and two real sign-ins (two sessions, each naming its own grant). */
    private record SignedIn(String id, JsonObject first, JsonObject second) {}

    private SignedIn userWithTwoSignIns() {
        String username = "ct_" + suffix();
        String password = "Ct-" + suffix() + "-9x!";
        String id = createUser(new JsonObject().put("username", username).put("password", password))
                .getString("id");
        target.signIn(id, username, password);
        target.signIn(id, username, password);
        JsonArray sessions = api.get("/api/users/" + id + "/sessions").json().getJsonArray("sessions");
        assertThat(sessions).hasSize(2);
        return new SignedIn(id, sessions.getJsonObject(0), sessions.getJsonObject(1));
    }

    private static String uid(JsonObject session) {
        return session.getJsonObject("payload").getString("uid");
    }

    private static String grantOf(JsonObject session) {
        JsonObject authorizations = session.getJsonObject("payload").getJsonObject("authorizations");
        return authorizations
                .getJsonObject(authorizations.fieldNames().iterator().next())
                .getString("grantId");
    }

    private List<String> grantIds(String userId) {
        JsonArray grants = api.get("/api/users/" + userId + "/grants").json().getJsonArray("grants");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < grants.size(); i++) {
            ids.add(grants.getJsonObject(i).getString("id"));
        }
        return ids;
    }

    @Test
    void aSignInLeavesASessionAddressedByUidThatNamesAListedGrant() {
        SignedIn user = userWithTwoSignIns();
        JsonObject payload = user.first().getJsonObject("payload");
        assertThat(payload.getString("uid")).isNotBlank().isNotEqualTo(payload.getString("jti"));
        assertThat(payload.getString("accountId")).isEqualTo(user.id());
        assertThat(grantIds(user.id())).containsExactlyInAnyOrder(grantOf(user.first()), grantOf(user.second()));
        behaviour();
        assertThat(api.get("/api/users/" + user.id() + "/sessions/" + ApiClient.enc(uid(user.first())))
                        .status())
                .isEqualTo(200);
        behaviour();
        for (String method : List.of("GET", "DELETE")) {
            ApiClient.Response byJti = api.call(
                    method, "/api/users/" + user.id() + "/sessions/" + ApiClient.enc(payload.getString("jti")), null);
            assertThat(byJti.status()).as(method + " by jti").isEqualTo(404);
            assertThat(byJti.code()).isEqualTo("oidc.session_not_found");
            behaviour();
        }
        assertThat(api.get("/api/users/" + user.id() + "/sessions").json().getJsonArray("sessions"))
                .as("a DELETE by jti revokes nothing")
                .hasSize(2);
        behaviour();
    }

    @Test
    void revokingASessionByUidRemovesItAndOnlyTheGrantsItNamesWhenAsked() {
        SignedIn user = userWithTwoSignIns();
        String path = "/api/users/" + user.id() + "/sessions/";
        assertThat(api.delete(path + ApiClient.enc(uid(user.first()))).status()).isEqualTo(204);
        assertThat(grantIds(user.id()))
                .as("without revokeGrantsTarget the grant stays")
                .contains(grantOf(user.first()));
        behaviour();
        ApiClient.Response again = api.delete(path + ApiClient.enc(uid(user.first())));
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.code()).isEqualTo("oidc.session_not_found");
        behaviour();
        assertThat(api.delete(path + ApiClient.enc(uid(user.second())) + "?revokeGrantsTarget=firstParty")
                        .status())
                .isEqualTo(204);
        assertThat(api.get("/api/users/" + user.id() + "/sessions").json().getJsonArray("sessions"))
                .isEmpty();
        assertThat(grantIds(user.id()))
                .as("the grant the session named goes with it, the other stays")
                .containsExactly(grantOf(user.first()));
        behaviour();
    }

    @Test
    void anotherUsersSessionIs404InvalidSessionAccountIdAndStays() {
        SignedIn owner = userWithTwoSignIns();
        String other =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String path = "/api/users/" + other + "/sessions/" + ApiClient.enc(uid(owner.first()));
        ApiClient.Response get = api.get(path);
        assertThat(get.status()).isEqualTo(404);
        assertThat(get.code()).isEqualTo("oidc.session_not_found");
        behaviour();
        ApiClient.Response delete = api.delete(path);
        assertThat(delete.status()).isEqualTo(404);
        assertThat(delete.code()).isEqualTo("oidc.invalid_session_account_id");
        assertThat(api.get("/api/users/" + owner.id() + "/sessions").json().getJsonArray("sessions"))
                .hasSize(2);
        behaviour();
    }

    @Test
    void revokingAGrantAnswers204ThenInvalidGrantAndBadQueriesAre400() {
        SignedIn user = userWithTwoSignIns();
        String grants = "/api/users/" + user.id() + "/grants";
        assertThat(api.delete(grants + "/" + ApiClient.enc(grantOf(user.first())))
                        .status())
                .isEqualTo(204);
        assertThat(grantIds(user.id())).containsExactly(grantOf(user.second()));
        assertThat(api.get("/api/users/" + user.id() + "/sessions").json().getJsonArray("sessions"))
                .as("the session stays when its grant is revoked")
                .hasSize(2);
        behaviour();
        ApiClient.Response again = api.delete(grants + "/" + ApiClient.enc(grantOf(user.first())));
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.code()).isEqualTo("oidc.invalid_grant");
        behaviour();
        assertThat(api.get(grants + "?appType=firstParty").json().getJsonArray("grants"))
                .hasSize(1);
        behaviour();
        for (String query : List.of(
                grants + "?appType=bogus",
                "/api/users/" + user.id() + "/sessions/" + ApiClient.enc(uid(user.first()))
                        + "?revokeGrantsTarget=bogus")) {
            ApiClient.Response bad = api.call(query.contains("sessions") ? "DELETE" : "GET", query, null);
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.code()).isEqualTo("guard.invalid_input");
            assertThat(bad.json().getString("message")).isEqualTo("The request query is invalid.");
            behaviour();
        }
    }

    @Test
    void deletingAMissingMfaVerificationIs404() {
        String id =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        assertThat(api.get("/api/users/" + id + "/mfa-verifications").array()).isEmpty();
        ApiClient.Response missing = api.delete("/api/users/" + id + "/mfa-verifications/nosuchmfa");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.code()).isEqualTo("entity.not_found");
        behaviour();
    }

    // ---- wire-level errors ---------------------------------------------------------------------------------------

    @Test
    void malformedJsonIs400WithoutCodeAndUnknownRoutesArePlain404() {
        ApiClient.Response malformed = api.raw(
                "POST",
                "/api/users",
                "{\"username\": \"x\",",
                Map.of("Authorization", "Bearer " + api.token()),
                Duration.ofSeconds(10));
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().containsKey("code")).isFalse();
        assertThat(malformed.json().getString("message")).isNotBlank();
        behaviour();
        ApiClient.Response unknown = api.get("/api/nosuchroute");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).contains("Not Found");
        behaviour();
    }

    // ---- personal access tokens ----------------------------------------------------------------------------------

    @Test
    void tokensAreRenamedAndDeletedWithTheNameInTheBody() {
        String id =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String tokens = "/api/users/" + id + "/personal-access-tokens";
        assertThat(api.post(tokens, new JsonObject().put("name", "a/b 100%")).status())
                .isEqualTo(201);
        assertThat(api.post(tokens, new JsonObject().put("name", "taken")).status())
                .isEqualTo(201);

        ApiClient.Response clash = api.patch(
                tokens, new JsonObject().put("currentName", "a/b 100%").put("name", "taken"));
        assertThat(clash.status()).isEqualTo(422);
        assertThat(clash.code()).isEqualTo("user.personal_access_token_name_exists");
        behaviour();
        ApiClient.Response renamed = api.patch(
                tokens, new JsonObject().put("currentName", "a/b 100%").put("name", "c?d"));
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.json().getString("name")).isEqualTo("c?d");
        behaviour();
        ApiClient.Response again = api.patch(
                tokens, new JsonObject().put("currentName", "a/b 100%").put("name", "c?d"));
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.code()).isEqualTo("entity.not_exists");
        behaviour();
        // Without currentName the token called name is "renamed" to itself: 200 if it exists.
        assertThat(api.patch(tokens, new JsonObject().put("name", "c?d")).status())
                .isEqualTo(200);
        assertThat(api.patch(tokens, new JsonObject().put("name", "nosuch")).code())
                .isEqualTo("entity.not_exists");
        behaviour();

        assertThat(api.post(tokens + "/delete", new JsonObject().put("name", "c?d"))
                        .status())
                .isEqualTo(204);
        ApiClient.Response deletedAgain = api.post(tokens + "/delete", new JsonObject().put("name", "c?d"));
        assertThat(deletedAgain.status()).isEqualTo(404);
        assertThat(deletedAgain.code()).isEqualTo("entity.not_found");
        behaviour();
        assertThat(api.get(tokens).array())
                .extracting(t -> ((JsonObject) t).getString("name"))
                .containsExactly("taken");

        ApiClient.Response noName = api.post(tokens + "/delete", new JsonObject());
        assertThat(noName.status()).isEqualTo(400);
        assertThat(noName.code()).isEqualTo("guard.invalid_input");
        behaviour();
    }

    @Test
    void tokenRenamesAndDeletesOfAMissingUserAnswerLikeAMissingToken() {
        String tokens = "/api/users/doesnotexist1/personal-access-tokens";
        ApiClient.Response rename =
                api.patch(tokens, new JsonObject().put("currentName", "a").put("name", "b"));
        assertThat(rename.status()).isEqualTo(404);
        assertThat(rename.code()).isEqualTo("entity.not_exists");
        behaviour();
        ApiClient.Response delete = api.post(tokens + "/delete", new JsonObject().put("name", "a"));
        assertThat(delete.status()).isEqualTo(404);
        assertThat(delete.code()).isEqualTo("entity.not_found");
        behaviour();
        // Creation inserts without a look-up: the foreign key refuses.
        ApiClient.Response create = api.post(tokens, new JsonObject().put("name", "a"));
        assertThat(create.status()).isEqualTo(404);
        assertThat(create.code()).isEqualTo("entity.relation_foreign_key_not_found");
        behaviour();
    }

    @Test
    void deprecatedPathFormsStillRenameAndDelete() {
        String id =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String tokens = "/api/users/" + id + "/personal-access-tokens";
        api.post(tokens, new JsonObject().put("name", "old"));
        assertThat(api.patch(tokens + "/old", new JsonObject().put("name", "new"))
                        .status())
                .isEqualTo(200);
        assertThat(api.patch(tokens + "/old", new JsonObject().put("name", "newer"))
                        .code())
                .isEqualTo("entity.not_exists");
        behaviour();
        assertThat(api.delete(tokens + "/new").status()).isEqualTo(204);
        assertThat(api.delete(tokens + "/new").code()).isEqualTo("entity.not_found");
        behaviour();
    }

    @Test
    void tokenCreationRefusesAPastExpiryAndOverlongNames() {
        String id =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String tokens = "/api/users/" + id + "/personal-access-tokens";
        ApiClient.Response past =
                api.post(tokens, new JsonObject().put("name", "p").put("expiresAt", 1000));
        assertThat(past.status()).isEqualTo(400);
        assertThat(past.code()).isEqualTo("request.invalid_input");
        behaviour();
        ApiClient.Response longName = api.post(tokens, new JsonObject().put("name", "x".repeat(257)));
        assertThat(longName.status()).isEqualTo(400);
        assertThat(longName.json()
                        .getJsonObject("data")
                        .getJsonArray("issues")
                        .getJsonObject(0)
                        .getString("code"))
                .isEqualTo("too_big");
        behaviour();
    }

    // ---- details that clients may read -----------------------------------------------------------------------------

    @Test
    void typeErrorsAreWordedInDetailsAndMissingFieldsAreRequired() {
        ApiClient.Response wrongType = api.post("/api/users", new JsonObject().put("username", 5));
        assertThat(wrongType.json().getString("details"))
                .isEqualTo("Error in key path \"username\": (invalid_type) Expected string but received number.");
        behaviour();
        String id =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        ApiClient.Response missing = api.patch("/api/users/" + id + "/custom-data", new JsonObject());
        JsonObject issue =
                missing.json().getJsonObject("data").getJsonArray("issues").getJsonObject(0);
        assertThat(issue.getString("message")).isEqualTo("Required");
        assertThat(issue.getString("received")).isEqualTo("undefined");
        behaviour();
    }

    @Test
    void anEmptyStringClearsAFieldAndEveryPatchMovesUpdatedAt() throws InterruptedException {
        JsonObject user =
                createUser(new JsonObject().put("username", "ct_" + suffix()).put("name", "Named"));
        String path = "/api/users/" + user.getString("id");
        Thread.sleep(5);
        ApiClient.Response cleared = api.patch(path, new JsonObject().put("name", ""));
        assertThat(cleared.status()).isEqualTo(200);
        assertThat(cleared.json().getValue("name")).isNull();
        behaviour();
        Thread.sleep(5);
        ApiClient.Response same = api.patch(path, new JsonObject().put("name", ""));
        assertThat(same.json().getLong("updatedAt"))
                .isGreaterThan(cleared.json().getLong("updatedAt"));
        behaviour();
        ApiClient.Response notUrl = api.patch(path, new JsonObject().put("avatar", "not a url"));
        assertThat(notUrl.status()).isEqualTo(400);
        behaviour();
        // lastSignInAt is not among the fields Logto lets one patch: alone it leaves nothing to update.
        ApiClient.Response signIn = api.patch(path, new JsonObject().put("lastSignInAt", 5));
        assertThat(signIn.status()).isEqualTo(422);
        assertThat(signIn.code()).isEqualTo("entity.invalid_input");
        behaviour();
    }

    @Test
    void backupCodesNeedAnotherFactorAndTenHexCodes() {
        String id =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String mfa = "/api/users/" + id + "/mfa-verifications";
        ApiClient.Response alone = api.post(mfa, new JsonObject().put("type", "BackupCode"));
        assertThat(alone.status()).isEqualTo(422);
        assertThat(alone.code()).isEqualTo("session.mfa.backup_code_can_not_be_alone");
        behaviour();
        assertThat(api.post(mfa, new JsonObject().put("type", "Totp").put("secret", "short"))
                        .code())
                .isEqualTo("user.totp_secret_invalid");
        behaviour();
        assertThat(api.post(mfa, new JsonObject().put("type", "Totp")).status()).isEqualTo(200);
        assertThat(api.post(mfa, new JsonObject().put("type", "BackupCode").put("codes", new JsonArray().add("x")))
                        .code())
                .isEqualTo("user.wrong_backup_code_format");
        behaviour();
        ApiClient.Response codes = api.post(mfa, new JsonObject().put("type", "BackupCode"));
        assertThat(codes.status()).isEqualTo(200);
        assertThat(codes.json().getJsonArray("codes"))
                .hasSize(10)
                .allSatisfy(c -> assertThat((String) c).matches("[0-9a-f]{10}"));
        assertThat(api.post(mfa, new JsonObject().put("type", "BackupCode")).code())
                .isEqualTo("user.backup_code_already_in_use");
        behaviour();
        assertThat(api.get(mfa).array())
                .anySatisfy(v ->
                        assertThat(((JsonObject) v).getInteger("remainCodes")).isEqualTo(10));
        behaviour();
    }

    @Test
    void logtoConfigsShowMfaEnabledOnlyOnceSet() {
        String id =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String configs = "/api/users/" + id + "/logto-configs";
        assertThat(api.get(configs).json().getJsonObject("mfa").containsKey("enabled"))
                .isFalse();
        behaviour();
        ApiClient.Response set = api.patch(
                configs,
                new JsonObject()
                        .put("mfa", new JsonObject().put("enabled", true).put("unknown", 1)));
        assertThat(set.json().getJsonObject("mfa"))
                .isEqualTo(new JsonObject()
                        .put("enabled", true)
                        .put("skipped", false)
                        .put("skipMfaOnSignIn", false));
        behaviour();
        ApiClient.Response bad = api.patch(configs, new JsonObject().put("mfa", new JsonObject().put("skipped", "x")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().getString("details")).contains("\"mfa.skipped\"");
        behaviour();
    }

    // ---- organizations -------------------------------------------------------------------------------------------

    private static JsonObject userIds(String... ids) {
        return new JsonObject().put("userIds", new JsonArray(List.of(ids)));
    }

    private static JsonObject organizationRoleIds(String... ids) {
        return new JsonObject().put("organizationRoleIds", new JsonArray(List.of(ids)));
    }

    private List<String> organizationIdsOf(String userId) {
        ApiClient.Response answer = api.get("/api/users/" + userId + "/organizations");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.array().stream()
                .map(o -> ((JsonObject) o).getString("id"))
                .toList();
    }

    private List<String> organizationRolesOf(String organization, String userId) {
        ApiClient.Response answer = api.get("/api/organizations/" + organization + "/users/" + userId + "/roles");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.array().stream()
                .map(o -> ((JsonObject) o).getString("id"))
                .toList();
    }

    @Test
    void addingAMemberTwiceAnswers201BothTimesAndKeepsOneMembership() {
        String user =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String organization = createOrganization();
        for (int i = 0; i < 2; i++) {
            ApiClient.Response added = api.post("/api/organizations/" + organization + "/users", userIds(user));
            assertThat(added.status()).isEqualTo(201);
            assertThat(added.json()).isEqualTo(userIds(user));
        }
        assertThat(organizationIdsOf(user)).containsExactly(organization);
        behaviour();
        ApiClient.Response members = api.get("/api/organizations/" + organization + "/users");
        assertThat(members.status()).isEqualTo(200);
        assertThat(members.array()).hasSize(1);
        assertThat(members.array().getJsonObject(0).getString("id")).isEqualTo(user);
        assertThat(members.array().getJsonObject(0).getJsonArray("organizationRoles"))
                .isEmpty();
        behaviour();
    }

    @Test
    void addingAnUnknownUserOrToAnUnknownOrganizationIs422ForeignKeyAndAddsNobody() {
        String user =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String organization = createOrganization();
        ApiClient.Response unknownUser =
                api.post("/api/organizations/" + organization + "/users", userIds(user, "doesnotexist1"));
        assertThat(unknownUser.status()).isEqualTo(422);
        assertThat(unknownUser.code()).isEqualTo("entity.relation_foreign_key_not_found");
        assertThat(organizationIdsOf(user)).isEmpty();
        behaviour();
        ApiClient.Response unknownOrganization = api.post("/api/organizations/nosuchorg123/users", userIds(user));
        assertThat(unknownOrganization.status()).isEqualTo(422);
        assertThat(unknownOrganization.code()).isEqualTo("entity.relation_foreign_key_not_found");
        behaviour();
        ApiClient.Response empty = api.post("/api/organizations/" + organization + "/users", userIds());
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.code()).isEqualTo("guard.invalid_input");
        behaviour();
    }

    @Test
    void removingAMemberIs204ThenANonMemberUnknownUserOrOrganizationIs404() {
        String user =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String organization = createOrganization();
        api.post("/api/organizations/" + organization + "/users", userIds(user));
        assertThat(api.delete("/api/organizations/" + organization + "/users/" + user)
                        .status())
                .isEqualTo(204);
        assertThat(organizationIdsOf(user)).isEmpty();
        behaviour();
        for (String path : List.of(
                organization + "/users/" + user, organization + "/users/doesnotexist1", "nosuchorg123/users/" + user)) {
            ApiClient.Response again = api.delete("/api/organizations/" + path);
            assertThat(again.status()).as(path).isEqualTo(404);
            assertThat(again.code()).isEqualTo("entity.not_found");
            behaviour();
        }
    }

    @Test
    void everyMemberRolePathNeedsMembershipBeforeItReadsTheBody() {
        String member =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String outsider =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String organization = createOrganization();
        String role = createOrganizationRole("User");
        api.post("/api/organizations/" + organization + "/users", userIds(member));
        for (String path : List.of(
                organization + "/users/" + outsider,
                organization + "/users/doesnotexist1",
                "nosuchorg123/users/" + member)) {
            for (String method : List.of("GET", "POST", "PUT", "DELETE")) {
                String url = "/api/organizations/" + path + "/roles" + (method.equals("DELETE") ? "/" + role : "");
                // An invalid body too: the membership check comes first.
                ApiClient.Response answer = api.call(
                        method,
                        url,
                        method.equals("POST") || method.equals("PUT")
                                ? new JsonObject().put("organizationRoleIds", new JsonArray().add(""))
                                : null);
                assertThat(answer.status()).as(method + " " + url).isEqualTo(422);
                assertThat(answer.code()).isEqualTo("organization.require_membership");
            }
            behaviour();
        }
    }

    @Test
    void assigningOrganizationRolesTwiceAnswers201AndRefusesUnknownMachineOrNoRoles() {
        String user =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String organization = createOrganization();
        String role = createOrganizationRole("User");
        api.post("/api/organizations/" + organization + "/users", userIds(user));
        String roles = "/api/organizations/" + organization + "/users/" + user + "/roles";
        for (int i = 0; i < 2; i++) {
            ApiClient.Response assigned = api.post(roles, organizationRoleIds(role, role));
            assertThat(assigned.status()).isEqualTo(201);
            assertThat(assigned.json()).isEqualTo(organizationRoleIds(role));
        }
        assertThat(organizationRolesOf(organization, user)).containsExactly(role);
        behaviour();
        ApiClient.Response unknown = api.post(roles, organizationRoleIds(role, "nosuchorole1"));
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.code()).isEqualTo("entity.relation_foreign_key_not_found");
        behaviour();
        ApiClient.Response machine = api.post(roles, organizationRoleIds(createOrganizationRole("MachineToMachine")));
        assertThat(machine.status()).isEqualTo(422);
        assertThat(machine.code()).isEqualTo("entity.db_constraint_violated");
        behaviour();
        for (JsonObject body : List.of(new JsonObject(), organizationRoleIds())) {
            ApiClient.Response none = api.post(roles, body);
            assertThat(none.status()).isEqualTo(422);
            assertThat(none.code()).isEqualTo("entity.invalid_input");
        }
        behaviour();
        ApiClient.Response unknownName = api.post(
                roles, new JsonObject().put("organizationRoleNames", new JsonArray().add("ct-nosuchname-" + suffix())));
        assertThat(unknownName.status()).isEqualTo(422);
        assertThat(unknownName.code()).isEqualTo("organization.role_names_not_found");
        assertThat(organizationRolesOf(organization, user)).containsExactly(role);
        behaviour();
    }

    @Test
    void replacingOrganizationRolesIs204AndARefusedReplaceKeepsTheOldRoles() {
        String user =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String organization = createOrganization();
        String first = createOrganizationRole("User");
        String second = createOrganizationRole("User");
        api.post("/api/organizations/" + organization + "/users", userIds(user));
        String roles = "/api/organizations/" + organization + "/users/" + user + "/roles";
        api.post(roles, organizationRoleIds(first));
        for (int i = 0; i < 2; i++) {
            assertThat(api.put(roles, organizationRoleIds(second)).status()).isEqualTo(204);
            assertThat(organizationRolesOf(organization, user)).containsExactly(second);
        }
        behaviour();
        ApiClient.Response unknown = api.put(roles, organizationRoleIds(first, "nosuchorole1"));
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.code()).isEqualTo("entity.relation_foreign_key_not_found");
        assertThat(organizationRolesOf(organization, user)).containsExactly(second);
        behaviour();
        assertThat(api.put(roles, new JsonObject()).status()).isEqualTo(204);
        assertThat(organizationRolesOf(organization, user)).isEmpty();
        behaviour();
    }

    @Test
    void revokingAnOrganizationRoleIs204ThenARoleNotHeldOrUnknownIs404() {
        String user =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String organization = createOrganization();
        String role = createOrganizationRole("User");
        api.post("/api/organizations/" + organization + "/users", userIds(user));
        String roles = "/api/organizations/" + organization + "/users/" + user + "/roles";
        api.post(roles, organizationRoleIds(role));
        assertThat(api.delete(roles + "/" + role).status()).isEqualTo(204);
        behaviour();
        for (String missing : List.of(role, "nosuchorole1")) {
            ApiClient.Response again = api.delete(roles + "/" + missing);
            assertThat(again.status()).isEqualTo(404);
            assertThat(again.code()).isEqualTo("entity.not_found");
        }
        behaviour();
    }

    @Test
    void leavingAnOrganizationDropsTheRolesHeldThere() {
        String user =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String organization = createOrganization();
        String role = createOrganizationRole("User");
        api.post("/api/organizations/" + organization + "/users", userIds(user));
        api.post("/api/organizations/" + organization + "/users/" + user + "/roles", organizationRoleIds(role));
        JsonArray listed = api.get("/api/users/" + user + "/organizations").array();
        assertThat(listed.getJsonObject(0)
                        .getJsonArray("organizationRoles")
                        .getJsonObject(0)
                        .getString("id"))
                .isEqualTo(role);
        behaviour();
        api.delete("/api/organizations/" + organization + "/users/" + user);
        api.post("/api/organizations/" + organization + "/users", userIds(user));
        assertThat(organizationRolesOf(organization, user)).isEmpty();
        behaviour();
    }

    @Test
    void organizationsOfAnUnknownUserIs404AndAnUnknownOrganizationIs404ButListsNoMembers() {
        ApiClient.Response unknownUser = api.get("/api/users/doesnotexist1/organizations");
        assertThat(unknownUser.status()).isEqualTo(404);
        assertThat(unknownUser.code()).isEqualTo("entity.not_found");
        behaviour();
        ApiClient.Response unknownOrganization = api.get("/api/organizations/nosuchorg123");
        assertThat(unknownOrganization.status()).isEqualTo(404);
        assertThat(unknownOrganization.code()).isEqualTo("entity.not_exists_with_id");
        behaviour();
        ApiClient.Response members = api.get("/api/organizations/nosuchorg123/users");
        assertThat(members.status()).isEqualTo(200);
        assertThat(members.array()).isEmpty();
        behaviour();
    }

    @Test
    void replacingAnOrganizationsMembersIs204AndAnUnknownUserChangesNothing() {
        String a =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String b =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String organization = createOrganization();
        String role = createOrganizationRole("User");
        for (int i = 0; i < 2; i++) {
            assertThat(api.put("/api/organizations/" + organization + "/users", userIds(a, b))
                            .status())
                    .isEqualTo(204);
        }
        assertThat(organizationIdsOf(a)).containsExactly(organization);
        assertThat(organizationIdsOf(b)).containsExactly(organization);
        behaviour();
        ApiClient.Response bulkRoles = api.post(
                "/api/organizations/" + organization + "/users/roles",
                userIds(a, b).put("organizationRoleIds", new JsonArray().add(role)));
        assertThat(bulkRoles.status()).isEqualTo(201);
        assertThat(organizationRolesOf(organization, b)).containsExactly(role);
        behaviour();
        ApiClient.Response unknown =
                api.put("/api/organizations/" + organization + "/users", userIds(a, "doesnotexist1"));
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.code()).isEqualTo("entity.relation_foreign_key_not_found");
        assertThat(organizationIdsOf(b)).containsExactly(organization);
        behaviour();
        assertThat(api.put("/api/organizations/" + organization + "/users", userIds(a))
                        .status())
                .isEqualTo(204);
        assertThat(organizationIdsOf(b)).isEmpty();
        ApiClient.Response nonMember = api.post(
                "/api/organizations/" + organization + "/users/roles",
                userIds(b).put("organizationRoleIds", new JsonArray().add(role)));
        assertThat(nonMember.status()).isEqualTo(422);
        assertThat(nonMember.code()).isEqualTo("entity.relation_foreign_key_not_found");
        behaviour();
    }

    @Test
    void deletingAUserEndsItsMembershipsAndTheOrganizationCallsThenAnswerAsForAnUnknownUser() {
        String user =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String organization = createOrganization();
        String role = createOrganizationRole("User");
        api.post("/api/organizations/" + organization + "/users", userIds(user));
        api.post("/api/organizations/" + organization + "/users/" + user + "/roles", organizationRoleIds(role));
        if (target.isSimulator()) {
            // Logto cannot create sign-in sessions over its API; on a real Logto this half is measured with
            // /work/shared/real-logto/make_session.py (see contracts/SIMULATOR.md).
            target.simulator().createSession(user);
            assertThat(api.get("/api/users/" + user + "/sessions").json().getJsonArray("sessions"))
                    .hasSize(1);
        }
        assertThat(api.delete("/api/users/" + user).status()).isEqualTo(204);
        assertThat(api.get("/api/users/" + user + "/sessions").json().getJsonArray("sessions"))
                .isEmpty();
        assertThat(api.get("/api/organizations/" + organization + "/users").array())
                .isEmpty();
        assertThat(api.get("/api/users/" + user + "/organizations").status()).isEqualTo(404);
        behaviour();
        String member = "/api/organizations/" + organization + "/users/" + user;
        ApiClient.Response add = api.post("/api/organizations/" + organization + "/users", userIds(user));
        assertThat(add.status()).isEqualTo(422);
        assertThat(add.code()).isEqualTo("entity.relation_foreign_key_not_found");
        assertThat(api.delete(member).status()).isEqualTo(404);
        for (String method : List.of("POST", "PUT", "DELETE")) {
            ApiClient.Response roles = api.call(
                    method,
                    member + "/roles" + (method.equals("DELETE") ? "/" + role : ""),
                    method.equals("DELETE") ? null : organizationRoleIds(role));
            assertThat(roles.status()).as(method).isEqualTo(422);
            assertThat(roles.code()).isEqualTo("organization.require_membership");
        }
        ApiClient.Response expiration =
                api.patch("/api/users/" + user + "/password/expiration", new JsonObject().put("isExpired", false));
        assertThat(expiration.status()).isEqualTo(404);
        assertThat(expiration.code()).isEqualTo("entity.not_found");
        behaviour();
    }

    // ---- password expiration and profile at creation -------------------------------------------------------------

    @Test
    void passwordExpirationFalseIs200EachTimeAndTrueIs400WhileThePolicyIsOff() {
        if (!target.isSimulator()) {
            // Enabling the policy needs a forgot-password connector; a Logto that has one enabled answers true with
            // 200.
            JsonObject policy =
                    api.get("/api/sign-in-exp").json().getJsonObject("passwordExpiration", new JsonObject());
            Assumptions.assumeFalse(
                    policy.getBoolean("enabled", false), "password expiration is enabled on this Logto");
        }
        String user =
                createUser(new JsonObject().put("username", "ct_" + suffix())).getString("id");
        String path = "/api/users/" + user + "/password/expiration";
        for (int i = 0; i < 2; i++) {
            ApiClient.Response cleared = api.patch(path, new JsonObject().put("isExpired", false));
            assertThat(cleared.status()).isEqualTo(200);
            assertThat(cleared.json().getString("id")).isEqualTo(user);
            assertThat(cleared.json().containsKey("isPasswordExpired")).isFalse();
        }
        behaviour();
        ApiClient.Response refused = api.patch(path, new JsonObject().put("isExpired", true));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.code()).isEqualTo("sign_in_experiences.password_expiration_not_enabled");
        behaviour();
        for (JsonObject body : List.of(new JsonObject(), new JsonObject().put("isExpired", "yes"))) {
            ApiClient.Response invalid = api.patch(path, body);
            assertThat(invalid.status()).isEqualTo(400);
            assertThat(invalid.code()).isEqualTo("guard.invalid_input");
        }
        behaviour();
        for (boolean value : new boolean[] {false, true}) {
            ApiClient.Response missing =
                    api.patch("/api/users/doesnotexist1/password/expiration", new JsonObject().put("isExpired", value));
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.code()).isEqualTo("entity.not_found");
        }
        behaviour();
    }

    @Test
    void createUserStoresTheProfileDropsUnknownClaimsAndRefusesWrongTypes() {
        JsonObject profile = new JsonObject()
                .put("givenName", "Ada")
                .put("familyName", "Lovelace")
                .put("address", new JsonObject().put("country", "GB"));
        JsonObject user =
                createUser(new JsonObject().put("username", "ct_" + suffix()).put("profile", profile));
        assertThat(user.getJsonObject("profile")).isEqualTo(profile);
        assertThat(api.get("/api/users/" + user.getString("id")).json().getJsonObject("profile"))
                .isEqualTo(profile);
        behaviour();
        JsonObject dropped = createUser(new JsonObject()
                .put("username", "ct_" + suffix())
                .put("profile", new JsonObject().put("givenName", "Ada").put("bogus", "x")));
        assertThat(dropped.getJsonObject("profile")).isEqualTo(new JsonObject().put("givenName", "Ada"));
        behaviour();
        ApiClient.Response wrongType = api.post(
                "/api/users",
                new JsonObject()
                        .put("username", "ct_" + suffix())
                        .put("profile", new JsonObject().put("givenName", 5)));
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.code()).isEqualTo("guard.invalid_input");
        assertThat(wrongType
                        .json()
                        .getJsonObject("data")
                        .getJsonArray("issues")
                        .getJsonObject(0)
                        .getJsonArray("path"))
                .isEqualTo(new JsonArray().add("profile").add("givenName"));
        behaviour();
    }
}
