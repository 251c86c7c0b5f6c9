package dev.logtocp.processor.it;

import dev.logtocp.contract.ApiClient;
import dev.logtocp.contract.RealSignIn;
import dev.logtocp.simulator.FaultPlan;
import dev.logtocp.simulator.Mutation;
import dev.logtocp.simulator.SeededSignIn;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A real Logto as the Logto under test. The processor talks to it through a {@link RecordingProxy}, which is how a
 * test still sees "no Logto call" (the proxy's request count), "no second POST" and "applied once" (the mutations
 * {@link LogtoWrites} derives from the proxied writes); state is read through the Management API with the same M2M
 * app, directly, so reads are not in the proxy's log.
 *
 * <p>Fixtures the Management API cannot make are made as a user would: sessions and grants by a real OIDC sign-in
 * ({@link RealSignIn}, after giving the user a fresh password), a grant without a session by signing in and ending the
 * session. Identity links go through Logto's mock social connector (connector id {@value #MOCK_SOCIAL}, created here
 * when the server has the connector package; {@code ops/real-logto/install-mock-connectors.sh} installs it), and the
 * password expiration policy, which Logto only turns on with a forgot-password method, uses its mock email
 * connector. Roles, organizations and organization roles made here get random-suffixed names and are deleted on
 * {@link #close}, as is any change to the sign-in experience; users are left (their names are unique).
 */
final class RealLogto implements LogtoUnderTest {
    static final String MOCK_SOCIAL = "mock-social";
    private static final String INSTALL_HINT = "install Logto's mock connectors into the server with "
            + "ops/real-logto/install-mock-connectors.sh LOGTO_SOURCE_DIR";
    private final String endpoint;
    private final String appId;
    private final String appSecret;
    private final String resource;
    private final ApiClient admin;
    private final FaultPlan faults = new FaultPlan();
    private final RecordingProxy proxy;
    private final RealSignIn signIns;
    private final List<String> cleanup = new ArrayList<>();
    private final LogtoView view = new View();
    /** The sign-in experience settings this instance changed, as they were; null while it changed none. */
    private JsonObject signInExperienceBefore;

    private boolean createdEmailConnector;

    private RealLogto(String endpoint, String appId, String appSecret, String resource, ApiClient admin) {
        this.endpoint = endpoint;
        this.appId = appId;
        this.appSecret = appSecret;
        this.resource = resource;
        this.admin = admin;
        this.proxy = RecordingProxy.start(endpoint, faults, new LogtoWrites(admin));
        this.signIns = new RealSignIn(endpoint, admin);
    }

    static RealLogto start(String endpoint, String appId, String appSecret, String resource) {
        ApiClient admin = new ApiClient(endpoint, appId, appSecret, resource);
        admin.token();
        ensureConnector(
                admin,
                MOCK_SOCIAL,
                "mock-social-connector",
                new JsonObject().put("clientId", "processor-it").put("clientSecret", "processor-it"));
        return new RealLogto(endpoint, appId, appSecret, resource, admin);
    }

    /** Creates connector {@code id} from the factory unless it exists; true when it was created. */
    private static boolean ensureConnector(ApiClient admin, String id, String factoryId, JsonObject config) {
        if (admin.get("/api/connectors/" + id).status() == 200) {
            return false;
        }
        ApiClient.Response factory = admin.get("/api/connector-factories/" + factoryId);
        if (factory.status() != 200) {
            throw new IllegalStateException("the real Logto has no " + factoryId + " connector: " + INSTALL_HINT);
        }
        JsonObject body = new JsonObject()
                .put("id", id)
                .put("connectorId", factoryId)
                .put(
                        "config",
                        config != null ? config : new JsonObject(factory.json().getString("configTemplate")));
        expect(admin.post("/api/connectors", body), "create connector " + id, 200);
        return true;
    }

    private static ApiClient.Response expect(ApiClient.Response answer, String what, int... statuses) {
        for (int status : statuses) {
            if (answer.status() == status) {
                return answer;
            }
        }
        throw new IllegalStateException(what + " on the real Logto answered " + answer.status() + " " + answer.body());
    }

    @Override
    public boolean isSimulator() {
        return false;
    }

    @Override
    public String describe() {
        return "real Logto at " + endpoint + " (through a recording proxy at " + proxy.endpoint() + ")";
    }

    @Override
    public String endpoint() {
        return proxy.endpoint();
    }

    @Override
    public String appId() {
        return appId;
    }

    @Override
    public String appSecret() {
        return appSecret;
    }

    @Override
    public String resource() {
        return resource;
    }

    @Override
    public LogtoView state() {
        return view;
    }

    @Override
    public FaultPlan faults() {
        return faults;
    }

    private String created(String path, JsonObject body) {
        String id =
                expect(admin.post(path, body), "POST " + path, 200, 201).json().getString("id");
        synchronized (cleanup) {
            cleanup.add(path + "/" + id);
        }
        return id;
    }

    private static String suffixed(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public String createRole(String name) {
        return created(
                "/api/roles",
                new JsonObject()
                        .put("name", suffixed(name))
                        .put("description", name)
                        .put("type", "User"));
    }

    @Override
    public String createMachineToMachineRole(String name) {
        return created(
                "/api/roles",
                new JsonObject()
                        .put("name", suffixed(name))
                        .put("description", name)
                        .put("type", "MachineToMachine"));
    }

    @Override
    public String createOrganization(String name) {
        return created("/api/organizations", new JsonObject().put("name", suffixed(name)));
    }

    @Override
    public String createOrganizationRole(String name) {
        return created("/api/organization-roles", new JsonObject().put("name", suffixed(name)));
    }

    @Override
    public String createMachineToMachineOrganizationRole(String name) {
        return created(
                "/api/organization-roles",
                new JsonObject().put("name", suffixed(name)).put("type", "MachineToMachine"));
    }

    @Override
    public String createSession(String userId) {
        return signIn(userId, "first-party-app", false).sessionUid();
    }

    /** Gives the user a fresh password (a sign-in needs one), signs in and returns the session it left. */
    @Override
    public SeededSignIn signIn(String userId, String applicationId, boolean thirdParty) {
        String username = view.user(userId)
                .orElseThrow(() -> new IllegalStateException("no user " + userId))
                .getString("username");
        String password = "It-" + UUID.randomUUID();
        expect(
                admin.patch("/api/users/" + userId + "/password", new JsonObject().put("password", password)),
                "set the password of " + userId,
                200);
        Set<String> before = new HashSet<>();
        view.sessionsOf(userId).forEach(s -> before.add(uid(s)));
        signIns.signIn(username, password, thirdParty);
        for (Object session : view.sessionsOf(userId)) {
            if (!before.contains(uid(session))) {
                JsonObject payload = ((JsonObject) session).getJsonObject("payload");
                JsonObject authorizations = payload.getJsonObject("authorizations", new JsonObject());
                String grantId = authorizations.fieldNames().stream()
                        .map(client -> authorizations.getJsonObject(client).getString("grantId"))
                        .findFirst()
                        .orElse(null);
                return new SeededSignIn(payload.getString("uid"), payload.getString("jti"), grantId);
            }
        }
        throw new IllegalStateException("a sign-in of " + username + " left no new session");
    }

    private static String uid(Object session) {
        return ((JsonObject) session).getJsonObject("payload").getString("uid");
    }

    /** Signs in and ends the session without revoking its grant, which outlives it. */
    @Override
    public String createGrant(String userId, String applicationId, boolean thirdParty) {
        SeededSignIn signIn = signIn(userId, applicationId, thirdParty);
        expect(admin.delete("/api/users/" + userId + "/sessions/" + signIn.sessionUid()), "end a session", 204);
        return signIn.grantId();
    }

    @Override
    public String createMfaVerification(String userId, String type) {
        expect(
                admin.post("/api/users/" + userId + "/mfa-verifications", new JsonObject().put("type", type)),
                "create a " + type + " verification",
                200,
                201);
        // The answer carries the secret or the codes, not the id.
        String id = null;
        String newest = "";
        for (Object o : view.mfaVerificationsOf(userId)) {
            JsonObject verification = (JsonObject) o;
            if (type.equals(verification.getString("type"))
                    && verification.getString("createdAt").compareTo(newest) >= 0) {
                newest = verification.getString("createdAt");
                id = verification.getString("id");
            }
        }
        if (id == null) {
            throw new IllegalStateException("no " + type + " verification after creating one for " + userId);
        }
        return id;
    }

    /**
     * On: Logto needs a forgot-password method first, which needs an email connector (the mock one when the server
     * has none), then the policy with a valid period. Off: the policy only. {@link #close} puts back what it found.
     */
    @Override
    public synchronized void setPasswordExpirationEnabled(boolean enabled) {
        JsonObject current = expect(admin.get("/api/sign-in-exp"), "read the sign-in experience", 200)
                .json();
        if (signInExperienceBefore == null) {
            signInExperienceBefore = new JsonObject()
                    .put("forgotPasswordMethods", current.getJsonArray("forgotPasswordMethods", new JsonArray()))
                    .put(
                            "passwordExpiration",
                            current.getJsonObject("passwordExpiration", new JsonObject().put("enabled", false)));
        }
        if (enabled) {
            boolean hasEmail = admin.get("/api/connectors").array().stream()
                    .anyMatch(c -> "Email".equals(((JsonObject) c).getString("type")));
            if (!hasEmail) {
                createdEmailConnector = ensureConnector(admin, "mock-email", "mock-email-service", null);
            }
            JsonArray methods = current.getJsonArray("forgotPasswordMethods", new JsonArray());
            if (!methods.contains("EmailVerificationCode")) {
                expect(
                        admin.patch(
                                "/api/sign-in-exp",
                                new JsonObject()
                                        .put(
                                                "forgotPasswordMethods",
                                                methods.copy().add("EmailVerificationCode"))),
                        "add a forgot-password method",
                        200);
            }
            expect(
                    admin.patch(
                            "/api/sign-in-exp",
                            new JsonObject()
                                    .put(
                                            "passwordExpiration",
                                            new JsonObject()
                                                    .put("enabled", true)
                                                    .put("validPeriodDays", 90))),
                    "enable password expiration",
                    200);
        } else {
            expect(
                    admin.patch(
                            "/api/sign-in-exp",
                            new JsonObject().put("passwordExpiration", new JsonObject().put("enabled", false))),
                    "disable password expiration",
                    200);
        }
    }

    private boolean passwordExpirationEnabled() {
        return expect(admin.get("/api/sign-in-exp"), "read the sign-in experience", 200)
                .json()
                .getJsonObject("passwordExpiration", new JsonObject())
                .getBoolean("enabled", false);
    }

    @Override
    public synchronized void close() {
        try {
            proxy.close();
        } finally {
            if (signInExperienceBefore != null) {
                JsonObject expiration = signInExperienceBefore.getJsonObject("passwordExpiration");
                admin.patch(
                        "/api/sign-in-exp",
                        new JsonObject()
                                .put(
                                        "passwordExpiration",
                                        expiration.getBoolean("enabled", false)
                                                ? expiration
                                                : new JsonObject().put("enabled", false)));
                admin.patch(
                        "/api/sign-in-exp",
                        new JsonObject()
                                .put(
                                        "forgotPasswordMethods",
                                        signInExperienceBefore.getJsonArray("forgotPasswordMethods")));
                if (createdEmailConnector) {
                    admin.delete("/api/connectors/mock-email");
                }
            }
            synchronized (cleanup) {
                for (int i = cleanup.size() - 1; i >= 0; i--) {
                    admin.delete(cleanup.get(i));
                }
            }
        }
    }

    /** Logto's state through its Management API; requests and mutations from the proxy. */
    private final class View implements LogtoView {
        @Override
        public List<Mutation> mutations() {
            return proxy.mutations();
        }

        @Override
        public List<Mutation> mutationsForUser(String userId) {
            return proxy.mutations().stream()
                    .filter(m -> userId.equals(m.userId()))
                    .toList();
        }

        @Override
        public long requestCount() {
            return proxy.requestCount();
        }

        @Override
        public Optional<JsonObject> user(String id) {
            ApiClient.Response answer = admin.get("/api/users/" + ApiClient.enc(id));
            return answer.status() == 200 ? Optional.of(answer.json()) : Optional.empty();
        }

        @Override
        public Optional<JsonObject> findUserByUsername(String username) {
            ApiClient.Response answer = admin.get(
                    "/api/users?search.username=" + ApiClient.enc(username) + "&mode.username=exact&page_size=100");
            return expect(answer, "search users", 200).array().stream()
                    .map(o -> (JsonObject) o)
                    .filter(u -> username.equals(u.getString("username")))
                    .findFirst();
        }

        @Override
        public int userCount() {
            return Integer.parseInt(expect(admin.get("/api/users?page_size=1"), "count users", 200)
                    .header("Total-Number"));
        }

        private Set<String> ids(String path) {
            ApiClient.Response answer = admin.get(path);
            Set<String> ids = new LinkedHashSet<>();
            if (answer.status() == 200) {
                answer.array().forEach(o -> ids.add(((JsonObject) o).getString("id")));
            }
            return ids;
        }

        private JsonArray listed(String path, String field) {
            ApiClient.Response answer = admin.get(path);
            return answer.status() == 200 ? answer.json().getJsonArray(field) : new JsonArray();
        }

        @Override
        public Set<String> rolesOf(String userId) {
            return ids("/api/users/" + userId + "/roles?page_size=100");
        }

        @Override
        public JsonArray sessionsOf(String userId) {
            return listed("/api/users/" + userId + "/sessions", "sessions");
        }

        @Override
        public JsonArray grantsOf(String userId) {
            return listed("/api/users/" + userId + "/grants", "grants");
        }

        @Override
        public JsonArray mfaVerificationsOf(String userId) {
            ApiClient.Response answer = admin.get("/api/users/" + userId + "/mfa-verifications");
            return answer.status() == 200 ? answer.array() : new JsonArray();
        }

        @Override
        public Map<String, Long> personalAccessTokensOf(String userId) {
            ApiClient.Response answer = admin.get("/api/users/" + userId + "/personal-access-tokens");
            Map<String, Long> out = new HashMap<>();
            if (answer.status() == 200) {
                answer.array().forEach(o -> {
                    JsonObject token = (JsonObject) o;
                    out.put(token.getString("name"), token.getLong("expiresAt"));
                });
            }
            return out;
        }

        @Override
        public Optional<JsonObject> logtoConfigsOf(String userId) {
            ApiClient.Response answer = admin.get("/api/users/" + userId + "/logto-configs");
            return answer.status() == 200 ? Optional.of(answer.json()) : Optional.empty();
        }

        @Override
        public boolean passwordMatches(String userId, String candidate) {
            return admin.post("/api/users/" + userId + "/password/verify", new JsonObject().put("password", candidate))
                            .status()
                    == 204;
        }

        @Override
        public Set<String> organizationsOf(String userId) {
            return ids("/api/users/" + userId + "/organizations");
        }

        @Override
        public Set<String> organizationRolesOf(String organizationId, String userId) {
            return ids("/api/organizations/" + organizationId + "/users/" + userId + "/roles?page_size=100");
        }

        /**
         * Logto shows the flag only to a password sign-in while the policy is on (422 {@code password.expired}),
         * so the policy is turned on for the check when it is off.
         */
        @Override
        public boolean passwordExpired(String userId, String password) {
            String username = user(userId)
                    .orElseThrow(() -> new IllegalStateException("no user " + userId))
                    .getString("username");
            boolean wasOn = passwordExpirationEnabled();
            if (!wasOn) {
                setPasswordExpirationEnabled(true);
            }
            try {
                String refusal = signIns.passwordRefusal(username, password);
                if (refusal == null || refusal.equals("password.expired")) {
                    return refusal != null;
                }
                throw new IllegalStateException("the password sign-in of " + username + " was refused with " + refusal);
            } finally {
                if (!wasOn) {
                    setPasswordExpirationEnabled(false);
                }
            }
        }
    }
}
