package dev.logtocp.simulator;

import static dev.logtocp.simulator.Http.body;
import static dev.logtocp.simulator.Http.idempotencyKey;
import static dev.logtocp.simulator.Http.route;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code /api/users} family of the Management API: request shapes and status codes as Logto answers them,
 * state kept in the {@link Store}. Handlers run on the simulator's event loop only.
 */
final class UserRoutes {

    /** What PATCH /api/users/{id} takes; anything else (lastSignInAt included) is dropped by Logto's guard. */
    private static final Set<String> PATCHABLE =
            Set.of("username", "primaryEmail", "primaryPhone", "name", "avatar", "customData", "profile");
    /** PATCH stores an empty string in these as null (measured on Logto 1.42). */
    private static final Set<String> EMPTY_IS_NULL =
            Set.of("username", "primaryEmail", "primaryPhone", "name", "avatar");

    private static final List<String> PASSWORD_ALGORITHMS =
            List.of("Argon2i", "Argon2id", "Argon2d", "SHA1", "SHA256", "MD5", "Bcrypt", "Legacy");
    private static final List<String> MFA_TYPES = List.of("Totp", "BackupCode");
    /** Logto's limit on a personal access token name (its column is varchar(256)). */
    private static final int TOKEN_NAME_MAX = 256;
    /** The social connectors the simulator has "installed"; the id doubles as the target Logto links under. */
    static final String MOCK_SOCIAL = "mock-social";

    static final Set<String> SOCIAL_CONNECTORS = Set.of("github", "google", "facebook", "apple", MOCK_SOCIAL);

    private final Store store;

    UserRoutes(Store store) {
        this.store = store;
    }

    void mount(Router router) {
        String user = "/api/users/:userId";
        router.post("/api/users").handler(route(this::create));
        router.get("/api/users").handler(route(this::search));
        router.get(user).handler(route(ctx -> Reply.ok(store.getUser(id(ctx)))));
        router.patch(user).handler(route(this::update));
        router.delete(user).handler(route(ctx -> {
            store.deleteUser(id(ctx), idempotencyKey(ctx));
            return Reply.noContent();
        }));
        router.get(user + "/custom-data").handler(route(ctx -> Reply.ok(store.customData(id(ctx)))));
        router.patch(user + "/custom-data").handler(route(this::mergeCustomData));
        router.patch(user + "/profile").handler(route(this::mergeProfile));
        router.patch(user + "/password").handler(route(this::setPassword));
        router.post(user + "/password/verify").handler(route(this::verifyPassword));
        router.get(user + "/has-password")
                .handler(route(ctx -> Reply.ok(new JsonObject().put("hasPassword", store.hasPassword(id(ctx))))));
        router.patch(user + "/is-suspended").handler(route(this::suspend));
        router.get(user + "/roles").handler(route(ctx -> {
            JsonArray roles = store.userRoles(id(ctx));
            return Reply.paged(roles, roles.size());
        }));
        router.post(user + "/roles").handler(route(this::addRoles));
        router.put(user + "/roles").handler(route(this::replaceRoles));
        router.delete(user + "/roles/:roleId").handler(route(ctx -> {
            store.removeRole(id(ctx), ctx.pathParam("roleId"), idempotencyKey(ctx));
            return Reply.noContent();
        }));
        router.post(user + "/identities").handler(route(this::linkViaConnector));
        router.get(user + "/identities/:target").handler(route(this::identity));
        router.put(user + "/identities/:target").handler(route(this::putIdentity));
        router.delete(user + "/identities/:target")
                .handler(route(
                        ctx -> Reply.ok(store.deleteIdentity(id(ctx), ctx.pathParam("target"), idempotencyKey(ctx)))));
        router.get(user + "/mfa-verifications").handler(route(ctx -> Reply.ok(store.mfaOf(id(ctx)))));
        router.post(user + "/mfa-verifications").handler(route(this::createMfa));
        router.delete(user + "/mfa-verifications/:verificationId").handler(route(ctx -> {
            store.deleteMfa(id(ctx), ctx.pathParam("verificationId"), idempotencyKey(ctx));
            return Reply.noContent();
        }));
        router.get(user + "/personal-access-tokens").handler(route(ctx -> Reply.ok(store.tokensOf(id(ctx)))));
        router.post(user + "/personal-access-tokens").handler(route(this::createToken));
        // Logto 1.42's name-in-body forms; the path forms below are kept by Logto for older clients (deprecated).
        router.patch(user + "/personal-access-tokens").handler(route(this::renameTokenNamedInBody));
        router.post(user + "/personal-access-tokens/delete").handler(route(this::deleteTokenNamedInBody));
        router.patch(user + "/personal-access-tokens/:name").handler(route(this::renameToken));
        router.delete(user + "/personal-access-tokens/:name").handler(route(ctx -> {
            store.deleteToken(id(ctx), ctx.pathParam("name"), idempotencyKey(ctx));
            return Reply.noContent();
        }));
        router.get(user + "/sessions")
                .handler(route(ctx -> Reply.ok(new JsonObject().put("sessions", store.sessionsOf(id(ctx))))));
        router.get(user + "/sessions/:sessionId")
                .handler(route(ctx -> Reply.ok(store.session(id(ctx), ctx.pathParam("sessionId")))));
        router.delete(user + "/sessions/:sessionId").handler(route(this::revokeSession));
        router.get(user + "/grants").handler(route(ctx -> {
            String appType = ctx.request().getParam("appType");
            if (appType != null && !appType.equals("firstParty") && !appType.equals("thirdParty")) {
                throw Guard.invalidEnumQuery("appType", appType, List.of("firstParty", "thirdParty"));
            }
            return Reply.ok(new JsonObject().put("grants", store.grantsOf(id(ctx), appType)));
        }));
        router.delete(user + "/grants/:grantId").handler(route(ctx -> {
            store.revokeGrant(id(ctx), ctx.pathParam("grantId"), idempotencyKey(ctx));
            return Reply.noContent();
        }));
        router.get(user + "/logto-configs").handler(route(ctx -> Reply.ok(store.logtoConfigs(id(ctx)))));
        router.patch(user + "/logto-configs").handler(route(this::patchLogtoConfigs));
    }

    private static String id(RoutingContext ctx) {
        return ctx.pathParam("userId");
    }

    private Reply create(RoutingContext ctx) {
        JsonObject body = body(ctx);
        new Guard(body)
                .string("username", Guard.USERNAME, false)
                .string("primaryEmail", Guard.EMAIL, false)
                .string("primaryPhone", Guard.PHONE, false)
                .string("name", null, false)
                .url("avatar", true)
                .object("customData", false)
                .object("profile", false)
                .optionalString("password", 1, Integer.MAX_VALUE)
                .optionalString("passwordDigest", 0, 256)
                .oneOf("passwordAlgorithm", PASSWORD_ALGORITHMS, false)
                .check();
        if (body.getValue("password") != null && body.getValue("passwordDigest") != null) {
            throw ApiError.of(
                    400, "user.password_and_digest", "You cannot set both plain text password and password digest.");
        }
        if (body.getValue("passwordDigest") != null && body.getValue("passwordAlgorithm") == null) {
            throw ApiError.of(400, "user.password_algorithm_required", "Password algorithm is required.");
        }
        if ("".equals(body.getValue("avatar"))) {
            body.putNull("avatar");
        }
        if (body.getValue("profile") instanceof JsonObject profile) {
            body.put("profile", ProfileClaims.guardAndStrip(profile));
        }
        // Logto answers 200 here, not 201.
        return Reply.ok(store.createUser(body, idempotencyKey(ctx)));
    }

    private Reply search(RoutingContext ctx) {
        UserSearch filter = UserSearch.parse(ctx.queryParams());
        Http.Paging paging = Http.Paging.of(ctx);
        Store.Page page = store.searchUsers(filter, paging.page(), paging.pageSize());
        return Reply.paged(page.items(), page.total());
    }

    private Reply update(RoutingContext ctx) {
        JsonObject body = body(ctx);
        new Guard(body)
                .clearableString("username", Guard.USERNAME)
                .clearableString("primaryEmail", Guard.EMAIL)
                .clearableString("primaryPhone", Guard.PHONE)
                .clearableString("name", null)
                .url("avatar", true)
                .object("customData", false)
                .object("profile", false)
                .check();
        JsonObject known = new JsonObject();
        body.forEach(e -> {
            if (PATCHABLE.contains(e.getKey())) {
                boolean cleared = EMPTY_IS_NULL.contains(e.getKey()) && "".equals(e.getValue());
                known.put(e.getKey(), cleared ? null : e.getValue());
            }
        });
        // The user must exist before the empty-update check, as on Logto (404 wins over 422).
        store.getUser(id(ctx));
        if (known.isEmpty()) {
            throw ApiError.of(422, "entity.invalid_input", "Invalid input. Value list must not be empty.");
        }
        return Reply.ok(store.updateUser(id(ctx), known, idempotencyKey(ctx)));
    }

    private Reply mergeCustomData(RoutingContext ctx) {
        JsonObject body = body(ctx);
        new Guard(body).object("customData", true).check();
        return Reply.ok(store.mergeCustomData(id(ctx), body.getJsonObject("customData"), idempotencyKey(ctx)));
    }

    private Reply mergeProfile(RoutingContext ctx) {
        JsonObject body = body(ctx);
        new Guard(body).object("profile", true).check();
        return Reply.ok(store.mergeProfile(id(ctx), body.getJsonObject("profile"), idempotencyKey(ctx)));
    }

    /**
     * Logto's guard here is {@code {password: string, min 1}} only (its OpenAPI document, 1.42): digests can be
     * imported at creation but not set on an existing user, and unknown keys such as passwordDigest are dropped.
     */
    private Reply setPassword(RoutingContext ctx) {
        JsonObject body = body(ctx);
        new Guard(body).requiredString("password").check();
        return Reply.ok(store.setPassword(id(ctx), Passwords.hash(body.getString("password")), idempotencyKey(ctx)));
    }

    private Reply verifyPassword(RoutingContext ctx) {
        JsonObject body = body(ctx);
        new Guard(body).requiredString("password").check();
        if (!store.verifyPassword(id(ctx), body.getString("password"))) {
            throw ApiError.of(
                    422, "session.invalid_credentials", "Incorrect account or password. Please check your input.");
        }
        return Reply.noContent();
    }

    private Reply suspend(RoutingContext ctx) {
        JsonObject body = body(ctx);
        new Guard(body).bool("isSuspended", true).check();
        return Reply.ok(store.setSuspended(id(ctx), body.getBoolean("isSuspended"), idempotencyKey(ctx)));
    }

    private static List<String> roleIds(RoutingContext ctx) {
        JsonObject body = body(ctx);
        new Guard(body).stringArray("roleIds").check();
        return Http.strings(body.getJsonArray("roleIds"));
    }

    private Reply addRoles(RoutingContext ctx) {
        List<String> roleIds = roleIds(ctx);
        List<String> added = store.addRoles(id(ctx), roleIds, idempotencyKey(ctx));
        return Reply.of(
                201, new JsonObject().put("roleIds", new JsonArray(roleIds)).put("addedRoleIds", new JsonArray(added)));
    }

    private Reply replaceRoles(RoutingContext ctx) {
        List<String> roleIds = roleIds(ctx);
        store.replaceRoles(id(ctx), roleIds, idempotencyKey(ctx));
        return Reply.ok(new JsonObject().put("roleIds", new JsonArray(List.copyOf(new LinkedHashSet<>(roleIds)))));
    }

    /**
     * Logto would exchange {@code connectorData} with the social connector; the simulator calls none, so it links
     * the connector id as target and takes the social user id from {@code connectorData.userId} when given. A
     * connector id that is not one of {@link #SOCIAL_CONNECTORS} answers as Logto does for a connector it does not
     * have: 404 {@code entity.not_found}, the same answer as for a missing user.
     */
    private Reply linkViaConnector(RoutingContext ctx) {
        JsonObject body = body(ctx);
        new Guard(body)
                .requiredString("connectorId")
                .object("connectorData", true)
                .check();
        store.getUser(id(ctx));
        if (!SOCIAL_CONNECTORS.contains(body.getString("connectorId"))) {
            throw ApiError.of(404, "entity.not_found", "The resource does not exist.");
        }
        JsonObject data = body.getJsonObject("connectorData");
        JsonObject identity = MOCK_SOCIAL.equals(body.getString("connectorId"))
                ? mockSocialIdentity(data)
                : new JsonObject()
                        .put(
                                "userId",
                                data.getValue("userId") instanceof String s
                                        ? s
                                        : UUID.randomUUID().toString())
                        .put("details", data.copy());
        store.putIdentity(id(ctx), body.getString("connectorId"), identity, idempotencyKey(ctx));
        return Reply.ok(store.identities(id(ctx)));
    }

    /**
     * What Logto's own mock social connector ({@code @logto/connector-mock-social}, installed as connector
     * {@value #MOCK_SOCIAL} on a real Logto for tests) makes of connectorData: {@code code} is required (400
     * {@code connector.invalid_response} without it), {@code userId} is the social id (random when absent), and the
     * details are the other fields plus the raw data.
     */
    private static JsonObject mockSocialIdentity(JsonObject data) {
        if (!(data.getValue("code") instanceof String)) {
            throw ApiError.of(400, "connector.invalid_response", "The connector's response is invalid.");
        }
        String socialId = data.getValue("userId") instanceof String s ? s : "mock-social-sub-" + UUID.randomUUID();
        JsonObject details = new JsonObject().put("id", socialId);
        for (String field : List.of("email", "phone", "name", "avatar")) {
            if (data.getValue(field) instanceof String value) {
                details.put(field, value);
            }
        }
        return new JsonObject().put("userId", socialId).put("details", details.put("rawData", data.copy()));
    }

    private Reply identity(RoutingContext ctx) {
        JsonObject identity = store.identities(id(ctx)).getJsonObject(ctx.pathParam("target"));
        if (identity == null) {
            throw ApiError.of(404, "user.identity_not_exist", "The social account has not been registered yet.");
        }
        return Reply.ok(new JsonObject().put("identity", identity));
    }

    private Reply putIdentity(RoutingContext ctx) {
        JsonObject body = body(ctx);
        new Guard(body).requiredString("userId").object("details", false).check();
        JsonObject identity = new JsonObject().put("userId", body.getString("userId"));
        if (body.containsKey("details")) {
            identity.put("details", body.getJsonObject("details"));
        }
        boolean created = store.putIdentity(id(ctx), ctx.pathParam("target"), identity, idempotencyKey(ctx));
        return Reply.of(created ? 201 : 200, store.identities(id(ctx)));
    }

    private Reply createMfa(RoutingContext ctx) {
        JsonObject body = body(ctx);
        new Guard(body).discriminator("type", MFA_TYPES).check();
        String type = body.getString("type");
        if (type.equals("Totp")) {
            new Guard(body).string("secret", null, false).check();
            String given = body.getString("secret");
            String secret = given == null || given.isEmpty() ? Mfa.newTotpSecret() : given;
            store.addTotp(id(ctx), given == null || given.isEmpty() ? null : given, idempotencyKey(ctx));
            return Reply.ok(new JsonObject()
                    .put("type", type)
                    .put("secret", secret)
                    .put("secretQrCode", "data:image/png;base64,"));
        }
        new Guard(body).stringArray("codes", false).check();
        JsonArray given = body.getJsonArray("codes");
        List<String> codes = given == null ? Mfa.newBackupCodes() : Http.strings(given);
        store.addBackupCodes(id(ctx), codes, given != null, idempotencyKey(ctx));
        return Reply.ok(new JsonObject()
                .put("codes", new JsonArray(new ArrayList<>(codes)))
                .put("type", type));
    }

    private Reply createToken(RoutingContext ctx) {
        JsonObject body = body(ctx);
        new Guard(body)
                .requiredString("name", 1, TOKEN_NAME_MAX)
                .number("expiresAt", true)
                .check();
        Number expiresAt = (Number) body.getValue("expiresAt");
        if (expiresAt != null && expiresAt.longValue() <= System.currentTimeMillis()) {
            throw ApiError.of(
                    400, "request.invalid_input", "Input is invalid. The value of `expiresAt` must be in the future.");
        }
        return Reply.of(
                201,
                store.addToken(
                        id(ctx),
                        body.getString("name"),
                        expiresAt == null ? null : expiresAt.longValue(),
                        idempotencyKey(ctx)));
    }

    /** The path form: the current name in the path, the new one in the body. */
    private Reply renameToken(RoutingContext ctx) {
        JsonObject body = body(ctx);
        new Guard(body).requiredString("name", 1, TOKEN_NAME_MAX).check();
        return Reply.ok(store.renameToken(id(ctx), ctx.pathParam("name"), body.getString("name"), idempotencyKey(ctx)));
    }

    /**
     * {@code PATCH .../personal-access-tokens {currentName?, name}}: without {@code currentName} Logto renames the
     * token called {@code name} to itself, which only checks that it exists.
     */
    private Reply renameTokenNamedInBody(RoutingContext ctx) {
        JsonObject body = body(ctx);
        new Guard(body)
                .requiredString("name", 1, TOKEN_NAME_MAX)
                .string("currentName", null, false)
                .check();
        String name = body.getString("name");
        String current = body.getString("currentName", name);
        return Reply.ok(store.renameToken(id(ctx), current, name, idempotencyKey(ctx)));
    }

    /** {@code POST .../personal-access-tokens/delete {name}}: Logto guards the name as any string, even empty. */
    private Reply deleteTokenNamedInBody(RoutingContext ctx) {
        JsonObject body = body(ctx);
        new Guard(body).requiredString("name", 0, Integer.MAX_VALUE).check();
        store.deleteToken(id(ctx), body.getString("name"), idempotencyKey(ctx));
        return Reply.noContent();
    }

    private Reply revokeSession(RoutingContext ctx) {
        String target = ctx.request().getParam("revokeGrantsTarget");
        if (target != null && !target.equals("all") && !target.equals("firstParty")) {
            throw Guard.invalidEnumQuery("revokeGrantsTarget", target, List.of("all", "firstParty"));
        }
        store.revokeSession(id(ctx), ctx.pathParam("sessionId"), target, idempotencyKey(ctx));
        return Reply.noContent();
    }

    private Reply patchLogtoConfigs(RoutingContext ctx) {
        JsonObject body = body(ctx);
        Guard guard = new Guard(body).object("mfa", false).object("passkeySignIn", false);
        for (String key : Store.MFA_CONFIG_KEYS) {
            guard.nestedBool("mfa", key);
        }
        guard.nestedBool("passkeySignIn", "skipped").check();
        return Reply.ok(store.patchLogtoConfigs(
                id(ctx), body.getJsonObject("mfa"), body.getJsonObject("passkeySignIn"), idempotencyKey(ctx)));
    }
}
