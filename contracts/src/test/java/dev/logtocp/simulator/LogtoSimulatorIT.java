package dev.logtocp.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logtocp.contract.ApiClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The simulator as a client sees it: auth edge cases, faults, and the mutation account. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogtoSimulatorIT {

    private LogtoSimulator simulator;
    private ApiClient api;

    @BeforeAll
    void start() {
        simulator = LogtoSimulator.start(SimulatorConfig.defaults());
        api = new ApiClient(simulator.endpoint(), simulator.appId(), simulator.appSecret(), simulator.resource());
    }

    @AfterEach
    void clearFaults() {
        simulator.faults().clear();
    }

    @AfterAll
    void stop() {
        simulator.close();
    }

    private String newUser(String username) {
        ApiClient.Response created = api.post("/api/users", new JsonObject().put("username", username));
        assertThat(created.status()).isEqualTo(200);
        return created.json().getString("id");
    }

    @Test
    void listensOnLoopbackWithAFreePort() {
        assertThat(simulator.port()).isPositive();
        assertThat(simulator.endpoint()).isEqualTo("http://127.0.0.1:" + simulator.port());
    }

    @Test
    void tokensExpireAfterTheirLifetime() throws InterruptedException {
        try (LogtoSimulator shortLived =
                LogtoSimulator.start(SimulatorConfig.defaults().withTokenLifetime(Duration.ofMillis(300)))) {
            ApiClient client = new ApiClient(
                    shortLived.endpoint(), shortLived.appId(), shortLived.appSecret(), shortLived.resource());
            assertThat(client.requestToken(
                                    shortLived.appId(), shortLived.appSecret(), shortLived.resource(), "all", true)
                            .json()
                            .getLong("expires_in"))
                    .isEqualTo(1L);
            assertThat(client.get("/api/users").status()).isEqualTo(200);
            Thread.sleep(400);
            ApiClient.Response expired = client.get("/api/users");
            assertThat(expired.status()).isEqualTo(401);
            assertThat(expired.code()).isEqualTo("auth.unauthorized");
        }
    }

    @Test
    void tokenFromAnotherSimulatorIsRejected() {
        try (LogtoSimulator other = LogtoSimulator.start(SimulatorConfig.defaults())) {
            String foreign =
                    new ApiClient(other.endpoint(), other.appId(), other.appSecret(), other.resource()).token();
            ApiClient.Response answer = api.raw(
                    "GET", "/api/users", null, Map.of("Authorization", "Bearer " + foreign), Duration.ofSeconds(5));
            assertThat(answer.status()).isEqualTo(401);
        }
    }

    @Test
    void wrongTypeInBodyIsAGuardErrorWithExpectedAndReceived() {
        ApiClient.Response answer = api.post("/api/users", new JsonObject().put("username", 123));
        assertThat(answer.status()).isEqualTo(400);
        JsonObject issue =
                answer.json().getJsonObject("data").getJsonArray("issues").getJsonObject(0);
        assertThat(issue.getString("expected")).isEqualTo("string");
        assertThat(issue.getString("received")).isEqualTo("number");
    }

    @Test
    void passwordAndDigestNeverAppearInAnswers() {
        ApiClient.Response created = api.post(
                "/api/users", new JsonObject().put("username", "pw_secret_user").put("password", "Sup3r-Secret-Value"));
        String id = created.json().getString("id");
        // Digests are imported at creation; PATCH /password takes plaintext only, as on Logto.
        ApiClient.Response imported = api.post(
                "/api/users",
                new JsonObject()
                        .put("username", "pw_digest_user")
                        .put("passwordDigest", "5f4dcc3b5aa765d61d8327deb882cf99")
                        .put("passwordAlgorithm", "MD5"));
        ApiClient.Response refused = api.patch(
                "/api/users/" + id + "/password",
                new JsonObject()
                        .put("passwordDigest", "5f4dcc3b5aa765d61d8327deb882cf99")
                        .put("passwordAlgorithm", "MD5"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(created.body()).doesNotContain("Sup3r-Secret-Value");
        assertThat(imported.body()).doesNotContain("5f4dcc3b5aa765d61d8327deb882cf99");
        assertThat(refused.body()).doesNotContain("5f4dcc3b5aa765d61d8327deb882cf99");
        id = imported.json().getString("id");
        assertThat(api.get("/api/users/" + id).body()).doesNotContain("5f4dcc3b");
        // MD5 digests can be verified: this one is the digest of "password".
        assertThat(api.post("/api/users/" + id + "/password/verify", new JsonObject().put("password", "password"))
                        .status())
                .isEqualTo(204);
    }

    // ---- faults --------------------------------------------------------------------------------------------------

    @Test
    void fixedLatencyDelaysTheAnswer() {
        api.token();
        simulator.faults().add(FaultRule.fixedLatency(Duration.ofMillis(200)).onPath("^/api/users$"));
        long started = System.nanoTime();
        assertThat(api.get("/api/users").status()).isEqualTo(200);
        // Loose bound only: the machine is shared, so only the lower bound is meaningful.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
    }

    @Test
    void uniformAndLogNormalLatencyStillAnswer() {
        api.token();
        simulator
                .faults()
                .seed(7)
                .add(FaultRule.uniformLatency(Duration.ofMillis(1), Duration.ofMillis(20)))
                .add(FaultRule.logNormalLatency(Duration.ofMillis(5), 0.5));
        for (int i = 0; i < 5; i++) {
            assertThat(api.get("/api/users?page_size=1").status()).isEqualTo(200);
        }
        assertThat(simulator.faults().injectedCounts())
                .containsEntry("uniformLatency", 5L)
                .containsEntry("logNormalLatency", 5L);
    }

    @Test
    void errorRateOneAnswers500And503() {
        api.token();
        simulator.faults().add(FaultRule.error500(1.0).onMethod("GET"));
        ApiClient.Response failed = api.get("/api/users");
        assertThat(failed.status()).isEqualTo(500);
        assertThat(failed.json()).isEqualTo(new JsonObject().put("message", "Internal server error."));
        simulator.faults().replace(java.util.List.of(FaultRule.error503(1.0)));
        assertThat(api.get("/api/users").status()).isEqualTo(503);
    }

    @Test
    void rateLimitAnswers429WithRetryAfter() {
        api.token();
        simulator.faults().add(FaultRule.tooManyRequests(1.0, 3));
        ApiClient.Response limited = api.get("/api/users");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isEqualTo("3");
    }

    @Test
    void connectionResetFailsTheClientWithoutAnAnswer() {
        api.token();
        simulator.faults().add(FaultRule.connectionReset(1.0));
        assertThatThrownBy(() -> api.rawOrThrow(
                        "GET",
                        "/api/users",
                        null,
                        Map.of("Authorization", "Bearer " + api.token()),
                        Duration.ofSeconds(5)))
                .isInstanceOf(IOException.class);
    }

    @Test
    void ambiguousTimeoutAppliesTheCreateButNeverAnswers() {
        String token = api.token();
        simulator
                .faults()
                .add(FaultRule.ambiguousTimeout(1.0).onPath("^/api/users$").onMethod("POST"));
        assertThatThrownBy(() -> api.rawOrThrow(
                        "POST",
                        "/api/users",
                        new JsonObject().put("username", "ambiguous_user").encode(),
                        Map.of("Authorization", "Bearer " + token),
                        Duration.ofMillis(500)))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(simulator.state().findUserByUsername("ambiguous_user")).isPresent();
        simulator.faults().clear();
        assertThat(api.get("/api/users?search.username=ambiguous_user&mode.username=exact")
                        .array())
                .hasSize(1);
    }

    @Test
    void faultsCanBeConfiguredOverTheAdminEndpoint() throws Exception {
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String plan = new JsonObject()
                .put("seed", 1)
                .put(
                        "rules",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("kind", "error503")
                                        .put("rate", 1.0)
                                        .put("path", "^/api/roles")))
                .encode();
        HttpResponse<String> put = http.send(
                HttpRequest.newBuilder(URI.create(simulator.endpoint() + "/__admin/faults"))
                        .PUT(HttpRequest.BodyPublishers.ofString(plan))
                        .header("Content-Type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(api.get("/api/roles").status()).isEqualTo(503);
        assertThat(api.get("/api/users?page_size=1").status()).isEqualTo(200);
        HttpResponse<String> cleared = http.send(
                HttpRequest.newBuilder(URI.create(simulator.endpoint() + "/__admin/faults"))
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(cleared.statusCode()).isEqualTo(204);
        assertThat(api.get("/api/roles").status()).isEqualTo(200);
        HttpResponse<String> stats = http.send(
                HttpRequest.newBuilder(URI.create(simulator.endpoint() + "/__admin/stats"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(new JsonObject(stats.body()).getLong("requests")).isPositive();
    }

    // ---- mutation accounting -------------------------------------------------------------------------------------

    @Test
    void sameCreateWithDifferentUsernamesCountsTwoMutations() {
        Map<String, String> headers = Map.of("Authorization", "Bearer " + api.token(), "Idempotency-Key", "dup-key-1");
        api.raw(
                "POST",
                "/api/users",
                new JsonObject().put("username", "dup_a").encode(),
                headers,
                Duration.ofSeconds(5));
        api.raw(
                "POST",
                "/api/users",
                new JsonObject().put("username", "dup_b").encode(),
                headers,
                Duration.ofSeconds(5));
        assertThat(simulator.state().countsByIdempotencyKey()).containsEntry("dup-key-1", 2L);
    }

    @Test
    void sameCreateWithTheSameUsernameCountsOneMutationAndAnswers422() {
        Map<String, String> headers = Map.of("Authorization", "Bearer " + api.token(), "Idempotency-Key", "dup-key-2");
        String body = new JsonObject().put("username", "dup_same").encode();
        assertThat(api.raw("POST", "/api/users", body, headers, Duration.ofSeconds(5))
                        .status())
                .isEqualTo(200);
        ApiClient.Response second = api.raw("POST", "/api/users", body, headers, Duration.ofSeconds(5));
        assertThat(second.code()).isEqualTo("user.username_already_in_use");
        assertThat(simulator.state().countsByIdempotencyKey()).containsEntry("dup-key-2", 1L);
    }

    @Test
    void repeatedRoleAssignmentIsNotAMutation() {
        String id = newUser("roles_once");
        String role = simulator.createRole("mutation-role");
        JsonObject body = new JsonObject().put("roleIds", new JsonArray().add(role));
        api.post("/api/users/" + id + "/roles", body);
        api.post("/api/users/" + id + "/roles", body);
        assertThat(simulator.state().mutationsForUser(id))
                .extracting(Mutation::operation)
                .containsExactly("user.create", "user.roles.add");
        assertThat(simulator.state().rolesOf(id)).containsExactly(role);
    }

    @Test
    void seededSessionsGrantsAndMfaAreVisibleAndRevocable() {
        String id = newUser("seeded_user");
        String session = simulator.createSession(id);
        String orphan = simulator.createGrant(id, "app-1");
        String mfa = simulator.createMfaVerification(id, "Totp");
        assertThat(simulator.state().sessionsOf(id)).hasSize(1);
        assertThat(api.get("/api/users/" + id + "/grants").json().getJsonArray("grants"))
                .hasSize(2);
        assertThat(api.delete("/api/users/" + id + "/sessions/" + session + "?revokeGrantsTarget=firstParty")
                        .status())
                .isEqualTo(204);
        assertThat(api.get("/api/users/" + id + "/grants").json().getJsonArray("grants"))
                .as("only the grant the session named goes with it")
                .extracting(g -> ((JsonObject) g).getString("id"))
                .containsExactly(orphan);
        assertThat(api.delete("/api/users/" + id + "/mfa-verifications/" + mfa).status())
                .isEqualTo(204);
        assertThat(simulator.state().count("user.session.revoke")).isEqualTo(1);
        assertThat(simulator.state().count("user.mfa.delete")).isEqualTo(1);
    }

    @Test
    void personalAccessTokensIdentitiesAndConfigsRoundTrip() {
        String id = newUser("extras_user");
        assertThat(api.post("/api/users/" + id + "/personal-access-tokens", new JsonObject().put("name", "ci"))
                        .status())
                .isEqualTo(201);
        assertThat(api.post("/api/users/" + id + "/personal-access-tokens", new JsonObject().put("name", "ci"))
                        .status())
                .isEqualTo(422);
        assertThat(api.patch("/api/users/" + id + "/personal-access-tokens/ci", new JsonObject().put("name", "ci2"))
                        .json()
                        .getString("name"))
                .isEqualTo("ci2");
        assertThat(api.delete("/api/users/" + id + "/personal-access-tokens/ci2")
                        .status())
                .isEqualTo(204);
        assertThat(api.put("/api/users/" + id + "/identities/github", new JsonObject().put("userId", "gh-1"))
                        .status())
                .isEqualTo(201);
        assertThat(api.put("/api/users/" + id + "/identities/github", new JsonObject().put("userId", "gh-1"))
                        .status())
                .isEqualTo(200);
        assertThat(api.delete("/api/users/" + id + "/identities/github").status())
                .isEqualTo(200);
        assertThat(api.patch(
                                "/api/users/" + id + "/logto-configs",
                                new JsonObject().put("mfa", new JsonObject().put("skipped", true)))
                        .json()
                        .getJsonObject("mfa")
                        .getBoolean("skipped"))
                .isTrue();
        assertThat(api.post("/api/users/" + id + "/mfa-verifications", new JsonObject().put("type", "Totp"))
                        .json()
                        .getString("secret"))
                .isNotBlank();
    }
}
