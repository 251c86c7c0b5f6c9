package dev.logtocp.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Read access to what the simulator holds and what it has applied, for assertions in tests.
 *
 * <p>Threading: safe to call from any thread at any time; every answer is a snapshot copy taken under the
 * simulator's store lock, so it never changes after it is returned.
 */
public final class SimulatorState {

    private final Store store;

    SimulatorState(Store store) {
        this.store = store;
    }

    /** Every applied mutation in application order. */
    public List<Mutation> mutations() {
        return store.mutations();
    }

    public List<Mutation> mutationsForUser(String userId) {
        return store.mutationsForUser(userId);
    }

    /** How many mutations of one operation (e.g. {@code user.create}) were applied. */
    public long count(String operation) {
        return store.count(operation);
    }

    /** Mutations per {@code Idempotency-Key} header value; a key counted twice means a duplicate was applied. */
    public Map<String, Long> countsByIdempotencyKey() {
        return store.countsByIdempotencyKey();
    }

    /** The user as the API would show it (never with password material), or empty. */
    public Optional<JsonObject> user(String id) {
        return Optional.ofNullable(store.user(id));
    }

    /** Exact, case-sensitive username lookup. */
    public Optional<JsonObject> findUserByUsername(String username) {
        return Optional.ofNullable(store.findByUsername(username));
    }

    public int userCount() {
        return store.userCount();
    }

    /** Role ids assigned to the user (empty for an unknown user). */
    public Set<String> rolesOf(String userId) {
        return store.roleIdsOf(userId);
    }

    /** The user's sessions as {@code GET /api/users/{id}/sessions} lists them. */
    public JsonArray sessionsOf(String userId) {
        return store.sessionsOf(userId);
    }

    /** The user's MFA verifications (id, type, createdAt) as the API lists them; empty for an unknown user. */
    public JsonArray mfaVerificationsOf(String userId) {
        return store.user(userId) == null ? new JsonArray() : store.mfaOf(userId);
    }

    /** Names of the user's personal access tokens mapped to their expiry (null: never); values are left out. */
    public Map<String, Long> personalAccessTokensOf(String userId) {
        if (store.user(userId) == null) {
            return Map.of();
        }
        Map<String, Long> out = new HashMap<>();
        store.tokensOf(userId).forEach(t -> {
            JsonObject token = (JsonObject) t;
            out.put(token.getString("name"), token.getLong("expiresAt"));
        });
        return out;
    }

    /** The user's application grants as {@code GET /api/users/{id}/grants} lists them. */
    public JsonArray grantsOf(String userId) {
        return store.grantsOf(userId);
    }

    /** The user's Logto configs as {@code GET /api/users/{id}/logto-configs} shows them; empty for an unknown user. */
    public Optional<JsonObject> logtoConfigsOf(String userId) {
        return store.user(userId) == null ? Optional.empty() : Optional.of(store.logtoConfigs(userId));
    }

    /** Whether {@code candidate} is the user's password (plain or imported MD5/SHA1/SHA256 digest). */
    public boolean passwordMatches(String userId, String candidate) {
        return store.user(userId) != null && store.verifyPassword(userId, candidate);
    }

    /** Ids of the organizations the user is a member of (empty for an unknown user). */
    public Set<String> organizationsOf(String userId) {
        return store.organizations.organizationIdsOf(userId);
    }

    /** Organization role ids the user holds in one organization (empty for a non-member). */
    public Set<String> organizationRolesOf(String organizationId, String userId) {
        return store.organizations.memberRoleIds(organizationId, userId);
    }

    /** Whether the user's password is marked expired ({@code isPasswordExpired}, which the API does not show). */
    public boolean passwordExpired(String userId) {
        return store.user(userId) != null && store.passwordExpired(userId);
    }

    /** Requests received on the simulated API and token endpoint, including ones answered with a fault. */
    public long requestCount() {
        return store.requestCount();
    }

    /** Forgets all users, roles, sessions, tokens, mutations and counters. Issued access tokens stay valid. */
    public void reset() {
        store.reset();
    }
}
