package dev.logtocp.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * All simulated Logto data and the log of applied mutations.
 *
 * <p>With a {@link StateDirectory} attached, every change is written there before the request that made it is
 * answered ({@link #flush}): the users touched since the last flush are compared with what was last written and
 * written again whole when they differ, so no method has to say what it changed.
 *
 * <p>Threading: every method is {@code synchronized}. Routes call it from the simulator's single event loop, so
 * the lock is uncontended on the hot path; it exists so that tests may read snapshots (and seed fixtures) from
 * their own threads. Everything returned is a copy.
 */
final class Store {

    private final Clock clock;
    private final Map<String, UserRecord> users = new LinkedHashMap<>();
    private final Map<String, String> idByUsername = new HashMap<>();
    private final Map<String, Set<String>> idsByLowerUsername = new HashMap<>();
    private final Map<String, String> idByEmail = new HashMap<>();
    private final Map<String, String> idByPhone = new HashMap<>();
    private final Map<String, Role> roles = new LinkedHashMap<>();
    private final Map<String, Set<String>> rolesByUser = new HashMap<>();
    private final Map<String, Map<String, JsonObject>> sessions = new HashMap<>();
    private final Map<String, Map<String, JsonObject>> grants = new HashMap<>();
    private final Map<String, Map<String, JsonObject>> mfa = new HashMap<>();
    private final Map<String, Map<String, JsonObject>> tokens = new HashMap<>();
    /** Organizations and memberships: their own section, under this store's lock. */
    final OrganizationStore organizations = new OrganizationStore(this);
    /** The sign-in experience's password expiration policy; off, as in a fresh Logto. */
    private boolean passwordExpirationEnabled;

    private final List<Mutation> mutations = new ArrayList<>();
    private final Map<String, Long> operationCounts = new HashMap<>();
    private long requests;
    private long userSequence;
    /** Where changes are kept across restarts, or null (memory only). */
    private StateDirectory stateDirectory;
    /** Users read or changed since the last flush; only kept while a state directory is attached. */
    private final Set<String> touchedUsers = new LinkedHashSet<>();
    /** A 64-bit hash of each user as last written, to skip users that were only read. */
    private final Map<String, Long> writtenUsers = new HashMap<>();

    private boolean rolesTouched;
    private int writtenMutations;

    Store(Clock clock) {
        this.clock = clock;
    }

    // ---- bookkeeping ---------------------------------------------------------------------------------------------

    synchronized void countRequest() {
        requests++;
    }

    synchronized long requestCount() {
        return requests;
    }

    void record(String userId, String operation, String idempotencyKey) {
        if (stateDirectory != null) {
            if (userId != null) {
                touchedUsers.add(userId);
            } else {
                rolesTouched = true;
            }
        }
        mutations.add(new Mutation(mutations.size() + 1L, userId, operation, idempotencyKey, clock.instant()));
        operationCounts.merge(operation, 1L, Long::sum);
    }

    synchronized List<Mutation> mutations() {
        return List.copyOf(mutations);
    }

    synchronized List<Mutation> mutationsForUser(String userId) {
        return mutations.stream().filter(m -> userId.equals(m.userId())).toList();
    }

    synchronized long count(String operation) {
        return operationCounts.getOrDefault(operation, 0L);
    }

    synchronized Map<String, Long> countsByOperation() {
        return Map.copyOf(operationCounts);
    }

    synchronized Map<String, Long> countsByIdempotencyKey() {
        Map<String, Long> counts = new HashMap<>();
        for (Mutation m : mutations) {
            if (m.idempotencyKey() != null) {
                counts.merge(m.idempotencyKey(), 1L, Long::sum);
            }
        }
        return Map.copyOf(counts);
    }

    synchronized void reset() {
        users.clear();
        idByUsername.clear();
        idsByLowerUsername.clear();
        idByEmail.clear();
        idByPhone.clear();
        roles.clear();
        rolesByUser.clear();
        sessions.clear();
        grants.clear();
        mfa.clear();
        tokens.clear();
        organizations.clear();
        passwordExpirationEnabled = false;
        mutations.clear();
        operationCounts.clear();
        requests = 0;
        if (stateDirectory != null) {
            touchedUsers.clear();
            writtenUsers.clear();
            rolesTouched = false;
            writtenMutations = 0;
            stateDirectory.compact(exportState());
        }
    }

    private long now() {
        return clock.millis();
    }

    long clockMillis() {
        return now();
    }

    // ---- users ---------------------------------------------------------------------------------------------------

    private UserRecord requireUser(String id) {
        if (stateDirectory != null && id != null) {
            // Every path that changes a user's data finds the user here first (fixtures included).
            touchedUsers.add(id);
        }
        UserRecord user = users.get(id);
        if (user == null) {
            throw ApiError.userNotFound();
        }
        return user;
    }

    synchronized JsonObject user(String id) {
        UserRecord user = users.get(id);
        return user == null ? null : user.toJson();
    }

    synchronized boolean hasUser(String id) {
        return users.containsKey(id);
    }

    synchronized JsonObject getUser(String id) {
        return requireUser(id).toJson();
    }

    synchronized JsonObject findByUsername(String username) {
        String id = idByUsername.get(username);
        return id == null ? null : users.get(id).toJson();
    }

    synchronized int userCount() {
        return users.size();
    }

    /** Users newest first, as Logto lists them, filtered and paged; the total is the filtered count. */
    synchronized Page searchUsers(UserSearch filter, int page, int pageSize) {
        // Newest first: the map is in creation order, index candidates are sorted by creation sequence.
        List<UserRecord> all =
                filter.indexHint().map(this::candidates).orElseGet(() -> new ArrayList<>(users.values()));
        all.sort((a, b) -> Long.compare(b.sequence, a.sequence));
        JsonArray out = new JsonArray();
        long total = 0;
        long skip = (long) (page - 1) * pageSize;
        for (UserRecord user : all) {
            if (filter.test(user)) {
                if (total >= skip && out.size() < pageSize) {
                    out.add(user.toJson());
                }
                total++;
            }
        }
        return new Page(out, total);
    }

    /** A superset of the users an exact condition can match, found by index. */
    private List<UserRecord> candidates(UserSearch.IndexHint hint) {
        String value = hint.value();
        List<String> ids = switch (hint.field()) {
            case "id" -> List.of(value.toLowerCase(Locale.ROOT)); // ids are lowercase; the filter re-checks case
            case "username" -> List.copyOf(idsByLowerUsername.getOrDefault(value.toLowerCase(Locale.ROOT), Set.of()));
            case "primaryEmail" -> nullableList(idByEmail.get(value.toLowerCase(Locale.ROOT)));
            case "primaryPhone" -> nullableList(idByPhone.get(value));
            default -> throw new IllegalArgumentException(hint.field());
        };
        List<UserRecord> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            UserRecord user = users.get(id);
            if (user != null) {
                out.add(user);
            }
        }
        return out;
    }

    private static List<String> nullableList(String id) {
        return id == null ? List.of() : List.of(id);
    }

    record Page(JsonArray items, long total) {}

    /** Creates a user from an already guarded body. */
    synchronized JsonObject createUser(JsonObject body, String idempotencyKey) {
        String username = body.getString("username");
        String email = body.getString("primaryEmail");
        String phone = body.getString("primaryPhone");
        assertIdentifiersFree(null, username, email, phone);
        String id;
        do {
            id = Ids.next(12);
        } while (users.containsKey(id));
        UserRecord user = new UserRecord(id, ++userSequence, now());
        user.username = username;
        user.primaryEmail = email;
        user.primaryPhone = phone;
        user.name = body.getString("name");
        user.avatar = body.getString("avatar");
        if (body.getValue("customData") instanceof JsonObject data) {
            user.customData = data.copy();
        }
        if (body.getValue("profile") instanceof JsonObject profile) {
            user.profile = profile.copy();
        }
        if (body.getValue("password") instanceof String password) {
            user.passwordMarker = Passwords.hash(password);
        } else if (body.getValue("passwordDigest") instanceof String digest) {
            user.passwordMarker = Passwords.imported(body.getString("passwordAlgorithm", ""), digest);
        }
        users.put(id, user);
        index(user);
        record(id, "user.create", idempotencyKey);
        return user.toJson();
    }

    private void assertIdentifiersFree(String selfId, String username, String email, String phone) {
        // Usernames are unique as written; emails are unique regardless of letter case (as measured on Logto).
        if (username != null && isTakenByOther(idByUsername.get(username), selfId)) {
            throw ApiError.of(422, "user.username_already_in_use", "This username is already in use.");
        }
        if (email != null && isTakenByOther(idByEmail.get(email.toLowerCase(Locale.ROOT)), selfId)) {
            throw ApiError.of(422, "user.email_already_in_use", "This email is associated with an existing account.");
        }
        if (phone != null && isTakenByOther(idByPhone.get(phone), selfId)) {
            throw ApiError.of(
                    422, "user.phone_already_in_use", "This phone number is associated with an existing account.");
        }
    }

    private static boolean isTakenByOther(String ownerId, String selfId) {
        return ownerId != null && !ownerId.equals(selfId);
    }

    private void index(UserRecord user) {
        if (user.username != null) {
            idByUsername.put(user.username, user.id);
            idsByLowerUsername
                    .computeIfAbsent(user.username.toLowerCase(Locale.ROOT), k -> new LinkedHashSet<>())
                    .add(user.id);
        }
        if (user.primaryEmail != null) {
            idByEmail.put(user.primaryEmail.toLowerCase(Locale.ROOT), user.id);
        }
        if (user.primaryPhone != null) {
            idByPhone.put(user.primaryPhone, user.id);
        }
    }

    private void unindex(UserRecord user) {
        if (user.username != null) {
            idByUsername.remove(user.username, user.id);
            String lower = user.username.toLowerCase(Locale.ROOT);
            Set<String> ids = idsByLowerUsername.get(lower);
            if (ids != null && ids.remove(user.id) && ids.isEmpty()) {
                idsByLowerUsername.remove(lower);
            }
        }
        if (user.primaryEmail != null) {
            idByEmail.remove(user.primaryEmail.toLowerCase(Locale.ROOT), user.id);
        }
        if (user.primaryPhone != null) {
            idByPhone.remove(user.primaryPhone, user.id);
        }
    }

    /** Applies a guarded PATCH body containing at least one known field. */
    synchronized JsonObject updateUser(String id, JsonObject body, String idempotencyKey) {
        UserRecord user = requireUser(id);
        String username = body.containsKey("username") ? body.getString("username") : user.username;
        String email = body.containsKey("primaryEmail") ? body.getString("primaryEmail") : user.primaryEmail;
        String phone = body.containsKey("primaryPhone") ? body.getString("primaryPhone") : user.primaryPhone;
        assertIdentifiersFree(
                id,
                body.containsKey("username") ? username : null,
                body.containsKey("primaryEmail") ? email : null,
                body.containsKey("primaryPhone") ? phone : null);
        String before = user.observableState();
        unindex(user);
        user.username = username;
        user.primaryEmail = email;
        user.primaryPhone = phone;
        index(user);
        if (body.containsKey("name")) {
            user.name = body.getString("name");
        }
        if (body.containsKey("avatar")) {
            user.avatar = body.getString("avatar");
        }
        if (body.containsKey("customData")) {
            user.customData = body.getJsonObject("customData").copy();
        }
        if (body.containsKey("profile")) {
            user.profile = body.getJsonObject("profile").copy();
        }
        if (body.containsKey("lastSignInAt")) {
            Number at = (Number) body.getValue("lastSignInAt");
            user.lastSignInAt = at == null ? null : at.longValue();
        }
        touch(user, before, "user.update", idempotencyKey);
        return user.toJson();
    }

    /** Records a mutation and moves {@code updatedAt} only when something observable changed. */
    private void touch(UserRecord user, String before, String operation, String idempotencyKey) {
        // Logto's UPDATE moves updated_at even when no value changed (measured); only real changes are mutations.
        user.updatedAt = Math.max(now(), user.updatedAt);
        if (!before.equals(user.observableState())) {
            record(user.id, operation, idempotencyKey);
        }
    }

    synchronized void deleteUser(String id, String idempotencyKey) {
        UserRecord user = requireUser(id);
        unindex(user);
        users.remove(id);
        rolesByUser.remove(id);
        sessions.remove(id);
        grants.remove(id);
        mfa.remove(id);
        tokens.remove(id);
        // Memberships and organization roles reference the user with "on delete cascade" in Logto's schema.
        organizations.forgetUser(id);
        record(id, "user.delete", idempotencyKey);
    }

    synchronized JsonObject customData(String id) {
        return requireUser(id).customData.copy();
    }

    synchronized JsonObject mergeCustomData(String id, JsonObject patch, String idempotencyKey) {
        UserRecord user = requireUser(id);
        String before = user.observableState();
        user.customData.mergeIn(patch.copy());
        touch(user, before, "user.customData.update", idempotencyKey);
        return user.customData.copy();
    }

    synchronized JsonObject mergeProfile(String id, JsonObject patch, String idempotencyKey) {
        UserRecord user = requireUser(id);
        String before = user.observableState();
        user.profile.mergeIn(patch.copy());
        touch(user, before, "user.profile.update", idempotencyKey);
        return user.profile.copy();
    }

    synchronized JsonObject setPassword(String id, String marker, String idempotencyKey) {
        UserRecord user = requireUser(id);
        user.passwordMarker = marker;
        user.updatedAt = Math.max(now(), user.updatedAt);
        // A new password is always a change, even if it equals the old one: the marker is salted anew.
        record(id, "user.password.set", idempotencyKey);
        return user.toJson();
    }

    synchronized void setPasswordExpirationEnabled(boolean enabled) {
        passwordExpirationEnabled = enabled;
    }

    /**
     * {@code PATCH /password/expiration}: the user first (404), then the policy (400 for {@code true} while it is
     * off). Logto writes the user, moving {@code updatedAt}, even when the flag is unchanged; only a change counts as
     * a mutation.
     */
    synchronized JsonObject setPasswordExpired(String id, boolean expired, String idempotencyKey) {
        UserRecord user = requireUser(id);
        if (expired && !passwordExpirationEnabled) {
            throw ApiError.of(
                    400,
                    "sign_in_experiences.password_expiration_not_enabled",
                    "Password expiration policy is"
                            + " not enabled. Enable it in the sign-in experience settings before expiring passwords.");
        }
        user.updatedAt = Math.max(now(), user.updatedAt);
        if (user.passwordExpired != expired) {
            user.passwordExpired = expired;
            record(id, "user.password.expiration", idempotencyKey);
        }
        return user.toJson();
    }

    synchronized boolean passwordExpired(String id) {
        return requireUser(id).passwordExpired;
    }

    synchronized boolean verifyPassword(String id, String candidate) {
        return Passwords.matches(requireUser(id).passwordMarker, candidate);
    }

    synchronized boolean hasPassword(String id) {
        return requireUser(id).passwordMarker != null;
    }

    synchronized JsonObject setSuspended(String id, boolean suspended, String idempotencyKey) {
        UserRecord user = requireUser(id);
        String before = user.observableState();
        user.suspended = suspended;
        touch(user, before, suspended ? "user.suspend" : "user.unsuspend", idempotencyKey);
        return user.toJson();
    }

    synchronized JsonObject logtoConfigs(String id) {
        return renderConfigs(requireUser(id).logtoConfigs);
    }

    /** The MFA settings Logto keeps (its userMfaDataGuard); other keys are dropped. */
    static final List<String> MFA_CONFIG_KEYS =
            List.of("enabled", "skipped", "additionalBindingSuggestionSkipped", "skipMfaOnSignIn");

    /** Merges the given settings (either may be null) into what is stored, as Logto's buildUpdatedUserLogtoConfig. */
    synchronized JsonObject patchLogtoConfigs(
            String id, JsonObject mfaPatch, JsonObject passkeyPatch, String idempotencyKey) {
        UserRecord user = requireUser(id);
        String before = user.observableState();
        mergeKnown(user.logtoConfigs, "mfa", mfaPatch, MFA_CONFIG_KEYS);
        mergeKnown(user.logtoConfigs, "passkeySignIn", passkeyPatch, List.of("skipped"));
        touch(user, before, "user.logtoConfigs.update", idempotencyKey);
        return renderConfigs(user.logtoConfigs);
    }

    private static void mergeKnown(JsonObject stored, String key, JsonObject patch, List<String> known) {
        JsonObject target = stored.getJsonObject(key);
        if (target == null) {
            target = new JsonObject();
            stored.put(key, target);
        }
        if (patch != null) {
            for (String field : known) {
                if (patch.getValue(field) != null) {
                    target.put(field, patch.getValue(field));
                }
            }
        }
    }

    /** As Logto answers: {@code enabled} only once it was set, the other flags false unless set. */
    private static JsonObject renderConfigs(JsonObject stored) {
        JsonObject mfaStored = stored.getJsonObject("mfa", new JsonObject());
        JsonObject mfaOut = new JsonObject();
        if (mfaStored.getValue("enabled") != null) {
            mfaOut.put("enabled", mfaStored.getBoolean("enabled"));
        }
        mfaOut.put("skipped", mfaStored.getBoolean("skipped", false))
                .put("skipMfaOnSignIn", mfaStored.getBoolean("skipMfaOnSignIn", false));
        return new JsonObject()
                .put("mfa", mfaOut)
                .put(
                        "passkeySignIn",
                        new JsonObject()
                                .put(
                                        "skipped",
                                        stored.getJsonObject("passkeySignIn", new JsonObject())
                                                .getBoolean("skipped", false)));
    }

    // ---- identities ----------------------------------------------------------------------------------------------

    /** Links or replaces a social identity; answers whether it was new (201) or replaced (200). */
    synchronized boolean putIdentity(String id, String target, JsonObject identity, String idempotencyKey) {
        UserRecord user = requireUser(id);
        String socialId = identity.getString("userId");
        for (UserRecord other : users.values()) {
            JsonObject linked = other.identities.getJsonObject(target);
            if (other != user && linked != null && socialId.equals(linked.getString("userId"))) {
                throw ApiError.of(
                        422,
                        "user.identity_already_in_use",
                        "The social account has been associated with an" + " existing account.");
            }
        }
        boolean created = !user.identities.containsKey(target);
        String before = user.observableState();
        user.identities.put(target, identity.copy());
        touch(user, before, "user.identity.link", idempotencyKey);
        return created;
    }

    synchronized JsonObject identities(String id) {
        return requireUser(id).identities.copy();
    }

    synchronized JsonObject deleteIdentity(String id, String target, String idempotencyKey) {
        UserRecord user = requireUser(id);
        if (!user.identities.containsKey(target)) {
            throw ApiError.of(404, "user.identity_not_exist", "The social account has not been registered yet.");
        }
        String before = user.observableState();
        user.identities.remove(target);
        touch(user, before, "user.identity.unlink", idempotencyKey);
        return user.toJson();
    }

    // ---- roles ---------------------------------------------------------------------------------------------------

    synchronized JsonObject createRole(
            String name, String description, String type, boolean isDefault, String idempotencyKey, boolean recorded) {
        for (Role role : roles.values()) {
            if (role.name().equals(name)) {
                throw ApiError.of(422, "role.name_in_use", "This role name " + name + " is already in use");
            }
        }
        Role role = new Role(Ids.next(21), name, description, type, isDefault);
        roles.put(role.id(), role);
        if (stateDirectory != null) {
            rolesTouched = true;
        }
        if (recorded) {
            record(null, "role.create", idempotencyKey);
        }
        return role.toJson();
    }

    synchronized Page listRoles(String search, int page, int pageSize) {
        JsonArray out = new JsonArray();
        long total = 0;
        long skip = (long) (page - 1) * pageSize;
        String needle = search == null ? null : search.toLowerCase(Locale.ROOT);
        for (Role role : roles.values()) {
            if (needle == null || role.name().toLowerCase(Locale.ROOT).contains(needle)) {
                if (total >= skip && out.size() < pageSize) {
                    long usersCount = rolesByUser.values().stream()
                            .filter(s -> s.contains(role.id()))
                            .count();
                    out.add(role.toJson()
                            .put("usersCount", usersCount)
                            .put("featuredUsers", new JsonArray())
                            .put("applicationsCount", 0)
                            .put("featuredApplications", new JsonArray()));
                }
                total++;
            }
        }
        return new Page(out, total);
    }

    synchronized JsonObject getRole(String roleId) {
        Role role = roles.get(roleId);
        if (role == null) {
            throw ApiError.rolesNotFound(roleId);
        }
        return role.toJson();
    }

    synchronized void deleteRole(String roleId, String idempotencyKey) {
        if (roles.remove(roleId) == null) {
            throw ApiError.rolesNotFound(roleId);
        }
        rolesByUser.forEach((userId, set) -> {
            if (set.remove(roleId) && stateDirectory != null) {
                touchedUsers.add(userId);
            }
        });
        record(null, "role.delete", idempotencyKey);
    }

    synchronized JsonArray userRoles(String userId) {
        requireUser(userId);
        JsonArray out = new JsonArray();
        for (String roleId : rolesByUser.getOrDefault(userId, Set.of())) {
            Role role = roles.get(roleId);
            if (role != null) {
                out.add(role.toJson());
            }
        }
        return out;
    }

    synchronized Set<String> roleIdsOf(String userId) {
        return Set.copyOf(rolesByUser.getOrDefault(userId, Set.of()));
    }

    /** As Logto's {@code POST /users/{id}/roles}: the type of the roles that exist is checked before any is missing. */
    private void assertAssignable(List<String> roleIds) {
        for (String roleId : roleIds) {
            if (roles.containsKey(roleId) && !"User".equals(roles.get(roleId).type())) {
                throw ApiError.of(
                        422,
                        "user.invalid_role_type",
                        "Invalid role type, can not assign machine-to-machine role to user.");
            }
        }
        for (String roleId : roleIds) {
            if (!roles.containsKey(roleId)) {
                throw ApiError.rolesNotFound(roleId);
            }
        }
    }

    /** Adds roles; returns the ids that were not assigned before (empty for a repeated request). */
    synchronized List<String> addRoles(String userId, List<String> roleIds, String idempotencyKey) {
        requireUser(userId);
        assertAssignable(roleIds);
        Set<String> assigned = rolesByUser.computeIfAbsent(userId, k -> new LinkedHashSet<>());
        List<String> added = new ArrayList<>();
        for (String roleId : roleIds) {
            if (assigned.add(roleId)) {
                added.add(roleId);
            }
        }
        if (!added.isEmpty()) {
            record(userId, "user.roles.add", idempotencyKey);
        }
        return added;
    }

    /**
     * As Logto 1.42's {@code PUT /users/{id}/roles}, step by step and without a transaction: it looks up each role to
     * add (404 before any change), deletes the assigned roles not wanted, then inserts the new ones in one statement.
     * A machine-to-machine role fails only that insert (the database's role-type check: 422
     * {@code entity.db_constraint_violated}), after the deletions: the user keeps only the roles in both sets.
     */
    synchronized void replaceRoles(String userId, List<String> roleIds, String idempotencyKey) {
        requireUser(userId);
        Set<String> wanted = new LinkedHashSet<>(roleIds);
        Set<String> assigned = rolesByUser.computeIfAbsent(userId, k -> new LinkedHashSet<>());
        List<String> toAdd =
                wanted.stream().filter(roleId -> !assigned.contains(roleId)).toList();
        for (String roleId : toAdd) {
            if (!roles.containsKey(roleId)) {
                throw ApiError.rolesNotFound(roleId);
            }
        }
        boolean removed = assigned.retainAll(wanted);
        if (toAdd.stream().anyMatch(roleId -> !"User".equals(roles.get(roleId).type()))) {
            if (removed) {
                record(userId, "user.roles.replace", idempotencyKey);
            }
            throw ApiError.of(422, "entity.db_constraint_violated", "Database constraint violated.");
        }
        assigned.addAll(toAdd);
        if (removed || !toAdd.isEmpty()) {
            record(userId, "user.roles.replace", idempotencyKey);
        }
    }

    synchronized void removeRole(String userId, String roleId, String idempotencyKey) {
        requireUser(userId);
        Set<String> assigned = rolesByUser.get(userId);
        if (assigned == null || !assigned.remove(roleId)) {
            throw ApiError.userNotFound();
        }
        record(userId, "user.roles.remove", idempotencyKey);
    }

    // ---- sessions and grants -------------------------------------------------------------------------------------

    /**
     * Test set-up: what one real sign-in leaves behind, a session plus the grant of the application signed in to. As in
     * Logto (oidc-provider), the session is addressed by {@code payload.uid}; {@code payload.jti} is the id of its cookie
     * and the admin routes do not know it. The session's {@code authorizations} name the grant, which is how
     * {@code revokeGrantsTarget} finds the grants to revoke with it. Returns the session's uid.
     */
    synchronized SeededSignIn seedSignIn(String userId, String applicationId, boolean thirdParty) {
        requireUser(userId);
        String grantId = addGrant(userId, applicationId, thirdParty);
        String uid = Ids.oidc();
        long nowSeconds = now() / 1000;
        long exp = nowSeconds + 14 * 24 * 3600;
        JsonObject authorizations = new JsonObject()
                .put(
                        applicationId,
                        new JsonObject()
                                .put("sid", Ids.oidc())
                                .put("grantId", grantId)
                                .put("persistsLogout", true));
        JsonObject payload = new JsonObject()
                .put("exp", exp)
                .put("iat", nowSeconds)
                .put("jti", Ids.oidc())
                .put("uid", uid)
                .put("kind", "Session")
                .put("loginTs", nowSeconds)
                .put("accountId", userId)
                .put("authorizations", authorizations);
        sessions.computeIfAbsent(userId, k -> new LinkedHashMap<>())
                .put(
                        uid,
                        new JsonObject()
                                .put("payload", payload)
                                .put("lastSubmission", null)
                                .put("clientId", applicationId)
                                .put("accountId", userId)
                                .put("expiresAt", exp * 1000));
        return new SeededSignIn(uid, payload.getString("jti"), grantId);
    }

    synchronized JsonArray sessionsOf(String userId) {
        return new JsonArray(new ArrayList<>(sessions.getOrDefault(userId, Map.of()).values().stream()
                .map(JsonObject::copy)
                .toList()));
    }

    /** {@code GET /api/users/{id}/sessions/{uid}}: only the user's own sessions, looked up by uid. */
    synchronized JsonObject session(String userId, String sessionUid) {
        JsonObject session = sessions.getOrDefault(userId, Map.of()).get(sessionUid);
        if (session == null) {
            throw ApiError.sessionNotFound();
        }
        return session.copy();
    }

    /**
     * {@code DELETE /api/users/{id}/sessions/{uid}}. Logto finds the session by uid among all users' sessions first,
     * then checks that it belongs to the user in the path; {@code revokeGrants} ("all" or "firstParty") also revokes
     * the grants the session's authorizations name (third-party ones only with "all"). Grants that no session names
     * stay, as in Logto.
     */
    synchronized void revokeSession(String userId, String sessionUid, String revokeGrants, String idempotencyKey) {
        String owner = null;
        for (Map.Entry<String, Map<String, JsonObject>> entry : sessions.entrySet()) {
            if (entry.getValue().containsKey(sessionUid)) {
                owner = entry.getKey();
                break;
            }
        }
        if (owner == null) {
            throw ApiError.sessionNotFound();
        }
        if (!owner.equals(userId)) {
            throw ApiError.of(404, "oidc.invalid_session_account_id", "Session accountId mismatch.");
        }
        JsonObject session = sessions.get(userId).get(sessionUid);
        if (revokeGrants != null) {
            boolean all = revokeGrants.equals("all");
            Map<String, JsonObject> ownGrants = grants.getOrDefault(userId, Map.of());
            JsonObject authorizations =
                    session.getJsonObject("payload").getJsonObject("authorizations", new JsonObject());
            boolean revoked = false;
            for (String clientId : authorizations.fieldNames()) {
                String grantId = authorizations.getJsonObject(clientId).getString("grantId");
                JsonObject grant = grantId == null ? null : ownGrants.get(grantId);
                if (grant != null && (all || !grant.getBoolean(THIRD_PARTY, false))) {
                    ownGrants.remove(grantId);
                    revoked = true;
                }
            }
            if (revoked) {
                record(userId, "user.grants.revoke", idempotencyKey);
            }
        }
        sessions.get(userId).remove(sessionUid);
        record(userId, "user.session.revoke", idempotencyKey);
    }

    /** Test set-up: an application grant without a live session (its session ended, its refresh token lives on). */
    synchronized String seedGrant(String userId, String applicationId, boolean thirdParty) {
        requireUser(userId);
        return addGrant(userId, applicationId, thirdParty);
    }

    /** Internal flag: whether a grant's application is third-party. Logto's grant listing does not show it. */
    private static final String THIRD_PARTY = "_thirdParty";

    private String addGrant(String userId, String applicationId, boolean thirdParty) {
        String grantId = Ids.oidc();
        long nowSeconds = now() / 1000;
        long exp = nowSeconds + 180 * 24 * 3600;
        JsonObject payload = new JsonObject()
                .put("exp", exp)
                .put("iat", nowSeconds)
                .put("jti", grantId)
                .put("kind", "Grant")
                .put("clientId", applicationId)
                .put("accountId", userId)
                .put("openid", new JsonObject().put("scope", "openid offline_access profile"));
        grants.computeIfAbsent(userId, k -> new LinkedHashMap<>())
                .put(
                        grantId,
                        new JsonObject()
                                .put("id", grantId)
                                .put("payload", payload)
                                .put("expiresAt", exp * 1000)
                                .put(
                                        "application",
                                        new JsonObject()
                                                .put("id", applicationId)
                                                .put("name", applicationId))
                                .put(THIRD_PARTY, thirdParty));
        return grantId;
    }

    /** {@code GET /api/users/{id}/grants[?appType=firstParty|thirdParty]}. */
    synchronized JsonArray grantsOf(String userId, String appType) {
        return new JsonArray(new ArrayList<>(grants.getOrDefault(userId, Map.of()).values().stream()
                .filter(g -> appType == null || appType.equals("thirdParty") == g.getBoolean(THIRD_PARTY, false))
                .map(g -> {
                    JsonObject copy = g.copy();
                    copy.remove(THIRD_PARTY);
                    return copy;
                })
                .toList()));
    }

    synchronized JsonArray grantsOf(String userId) {
        return grantsOf(userId, null);
    }

    /** {@code DELETE /api/users/{id}/grants/{grantId}}; Logto answers an unknown grant 404 {@code oidc.invalid_grant}. */
    synchronized void revokeGrant(String userId, String grantId, String idempotencyKey) {
        Map<String, JsonObject> own = grants.get(userId);
        if (own == null || own.remove(grantId) == null) {
            throw ApiError.of(404, "oidc.invalid_grant", "Grant request is invalid.");
        }
        // Logto then drops the authorization that named the grant from the user's session; the session stays.
        for (JsonObject session : sessions.getOrDefault(userId, Map.of()).values()) {
            JsonObject authorizations =
                    session.getJsonObject("payload").getJsonObject("authorizations", new JsonObject());
            authorizations
                    .fieldNames()
                    .removeIf(clientId -> grantId.equals(
                            authorizations.getJsonObject(clientId).getString("grantId")));
        }
        record(userId, "user.grant.revoke", idempotencyKey);
    }

    // ---- MFA -----------------------------------------------------------------------------------------------------

    synchronized JsonArray mfaOf(String userId) {
        requireUser(userId);
        return new JsonArray(new ArrayList<>(mfa.getOrDefault(userId, Map.of()).values().stream()
                .map(JsonObject::copy)
                .toList()));
    }

    /** Test set-up: stores a verification of any type without Logto's checks (not recorded as a mutation). */
    synchronized String addMfa(String userId, String type, String idempotencyKey, boolean recorded) {
        requireUser(userId);
        String verificationId = putMfa(userId, type, "BackupCode".equals(type) ? 10 : null);
        if (recorded) {
            record(userId, "user.mfa.create", idempotencyKey);
        }
        return verificationId;
    }

    /** {@code POST mfa-verifications {type: Totp}} with Logto's checks; {@code secret} null: generated. */
    synchronized void addTotp(String userId, String secret, String idempotencyKey) {
        requireUser(userId);
        if (mfa.getOrDefault(userId, Map.of()).values().stream().anyMatch(v -> "Totp".equals(v.getString("type")))) {
            throw ApiError.of(422, "user.totp_already_in_use", "TOTP is already in use.");
        }
        if (secret != null && !Mfa.validTotpSecret(secret)) {
            throw ApiError.of(422, "user.totp_secret_invalid", "Invalid TOTP secret supplied.");
        }
        putMfa(userId, "Totp", null);
        record(userId, "user.mfa.create", idempotencyKey);
    }

    /** {@code POST mfa-verifications {type: BackupCode}} with Logto's checks, in Logto's order. */
    synchronized void addBackupCodes(String userId, List<String> codes, boolean given, String idempotencyKey) {
        requireUser(userId);
        Map<String, JsonObject> own = mfa.getOrDefault(userId, Map.of());
        if (own.values().stream()
                .anyMatch(v -> "BackupCode".equals(v.getString("type")) && v.getInteger("remainCodes", 0) > 0)) {
            throw ApiError.of(422, "user.backup_code_already_in_use", "Backup code is already in use.");
        }
        if (own.values().stream().allMatch(v -> "BackupCode".equals(v.getString("type")))) {
            throw ApiError.of(422, "session.mfa.backup_code_can_not_be_alone", "Backup code can not be the only MFA.");
        }
        if (given && !Mfa.validBackupCodes(codes)) {
            throw ApiError.of(422, "user.wrong_backup_code_format", "Backup code format is invalid.");
        }
        putMfa(userId, "BackupCode", codes.size());
        record(userId, "user.mfa.create", idempotencyKey);
    }

    private String putMfa(String userId, String type, Integer remainCodes) {
        String verificationId = Ids.next(21);
        JsonObject entry = new JsonObject()
                .put("id", verificationId)
                .put("createdAt", Instant.ofEpochMilli(now()).toString())
                .put("type", type);
        if (remainCodes != null) {
            entry.put("remainCodes", remainCodes);
        }
        mfa.computeIfAbsent(userId, k -> new LinkedHashMap<>()).put(verificationId, entry);
        return verificationId;
    }

    synchronized void deleteMfa(String userId, String verificationId, String idempotencyKey) {
        requireUser(userId);
        Map<String, JsonObject> own = mfa.get(userId);
        if (own == null || own.remove(verificationId) == null) {
            throw ApiError.userNotFound();
        }
        record(userId, "user.mfa.delete", idempotencyKey);
    }

    // ---- personal access tokens ----------------------------------------------------------------------------------

    synchronized JsonArray tokensOf(String userId) {
        requireUser(userId);
        return new JsonArray(new ArrayList<>(tokens.getOrDefault(userId, Map.of()).values().stream()
                .map(JsonObject::copy)
                .toList()));
    }

    synchronized JsonObject addToken(String userId, String name, Long expiresAt, String idempotencyKey) {
        if (!users.containsKey(userId)) {
            // Logto inserts without looking the user up; the foreign key refuses.
            throw ApiError.of(
                    404,
                    "entity.relation_foreign_key_not_found",
                    "Cannot find one or more foreign keys. "
                            + "Please check the input and ensure that all referenced entities exist.");
        }
        requireUser(userId);
        Map<String, JsonObject> own = tokens.computeIfAbsent(userId, k -> new LinkedHashMap<>());
        if (own.containsKey(name)) {
            throw ApiError.of(
                    422, "user.personal_access_token_name_exists", "Personal access token name already exists.");
        }
        JsonObject token = new JsonObject()
                .put("tenantId", "default")
                .put("userId", userId)
                .put("name", name)
                .put("value", "pat_" + Ids.secret(32))
                .put("createdAt", now())
                .put("expiresAt", expiresAt);
        own.put(name, token);
        record(userId, "user.pat.create", idempotencyKey);
        return token.copy();
    }

    /**
     * Renames {@code name} to {@code newName}; renaming to the same name answers the token unchanged. Logto runs one
     * UPDATE without looking the user up, so a missing user and a missing token answer alike.
     */
    synchronized JsonObject renameToken(String userId, String name, String newName, String idempotencyKey) {
        Map<String, JsonObject> own = users.containsKey(userId) ? tokens.getOrDefault(userId, Map.of()) : Map.of();
        JsonObject token = own.get(name);
        if (token == null) {
            throw ApiError.of(404, "entity.not_exists", "The personal_access_token does not exist.");
        }
        requireUser(userId);
        if (!name.equals(newName)) {
            if (own.containsKey(newName)) {
                throw ApiError.of(
                        422, "user.personal_access_token_name_exists", "Personal access token name already exists.");
            }
            own.remove(name);
            token.put("name", newName);
            own.put(newName, token);
            record(userId, "user.pat.update", idempotencyKey);
        }
        return token.copy();
    }

    synchronized void deleteToken(String userId, String name, String idempotencyKey) {
        requireUser(userId);
        Map<String, JsonObject> own = tokens.get(userId);
        if (own == null || own.remove(name) == null) {
            throw ApiError.userNotFound();
        }
        record(userId, "user.pat.delete", idempotencyKey);
    }

    // ---- durable state -------------------------------------------------------------------------------------------

    /**
     * Loads what {@code directory} holds (replacing everything in memory) and writes every later change there.
     * Called once, before the server takes requests.
     */
    synchronized void attach(StateDirectory directory) {
        StateDirectory.Loaded loaded = directory.load();
        if (loaded.snapshot() != null) {
            importState(loaded.snapshot());
        }
        for (JsonObject change : loaded.journal()) {
            replay(change);
        }
        stateDirectory = directory;
        users.keySet().forEach(id -> writtenUsers.put(id, hash(aggregate(id))));
        writtenMutations = mutations.size();
        // A fresh snapshot makes the journal empty again and drops a torn last line, if the last run left one.
        directory.compact(exportState());
    }

    /** Writes the changes made since the last flush; a no-op without a state directory. Before every answer. */
    synchronized void flush() {
        if (stateDirectory == null) {
            return;
        }
        List<JsonObject> changes = new ArrayList<>();
        if (rolesTouched) {
            JsonArray all = new JsonArray();
            roles.values().forEach(r -> all.add(r.toJson()));
            changes.add(new JsonObject().put("roles", all));
            rolesTouched = false;
        }
        for (String id : touchedUsers) {
            if (users.containsKey(id)) {
                JsonObject aggregate = aggregate(id);
                long hash = hash(aggregate);
                Long written = writtenUsers.put(id, hash);
                if (written == null || written != hash) {
                    changes.add(new JsonObject().put("user", id).put("state", aggregate));
                }
            } else if (writtenUsers.remove(id) != null) {
                changes.add(new JsonObject().put("user", id).put("gone", true));
            }
        }
        touchedUsers.clear();
        for (int i = writtenMutations; i < mutations.size(); i++) {
            changes.add(new JsonObject().put("mutation", mutationJson(mutations.get(i))));
        }
        writtenMutations = mutations.size();
        if (!changes.isEmpty()) {
            stateDirectory.append(changes);
            if (stateDirectory.shouldCompact()) {
                stateDirectory.compact(exportState());
            }
        }
    }

    /** Writes a full snapshot and stops writing; the state in memory stays usable. */
    synchronized void detach() {
        if (stateDirectory != null) {
            flush();
            stateDirectory.compact(exportState());
            stateDirectory = null;
            touchedUsers.clear();
            writtenUsers.clear();
        }
    }

    /**
     * One user and everything hanging off it. The per-user maps (sessions, grants, MFA, tokens) are written as they
     * are held, whatever their keys mean, so that a change to how one of them is keyed needs no change here.
     */
    private JsonObject aggregate(String id) {
        return new JsonObject()
                .put("record", users.get(id).toStored())
                .put("roles", new JsonArray(new ArrayList<>(rolesByUser.getOrDefault(id, Set.of()))))
                .put("sessions", mapJson(sessions.get(id)))
                .put("grants", mapJson(grants.get(id)))
                .put("mfa", mapJson(mfa.get(id)))
                .put("tokens", mapJson(tokens.get(id)));
    }

    private void putAggregate(String id, JsonObject aggregate) {
        removeUserData(id);
        UserRecord user = UserRecord.fromStored(aggregate.getJsonObject("record"));
        users.put(id, user);
        index(user);
        userSequence = Math.max(userSequence, user.sequence);
        Set<String> assigned = new LinkedHashSet<>();
        aggregate.getJsonArray("roles", new JsonArray()).forEach(r -> assigned.add((String) r));
        if (!assigned.isEmpty()) {
            rolesByUser.put(id, assigned);
        }
        putMap(sessions, id, aggregate.getJsonObject("sessions"));
        putMap(grants, id, aggregate.getJsonObject("grants"));
        putMap(mfa, id, aggregate.getJsonObject("mfa"));
        putMap(tokens, id, aggregate.getJsonObject("tokens"));
    }

    private void removeUserData(String id) {
        UserRecord previous = users.remove(id);
        if (previous != null) {
            unindex(previous);
        }
        rolesByUser.remove(id);
        sessions.remove(id);
        grants.remove(id);
        mfa.remove(id);
        tokens.remove(id);
    }

    private static JsonObject mapJson(Map<String, JsonObject> map) {
        JsonObject out = new JsonObject();
        if (map != null) {
            map.forEach((k, v) -> out.put(k, v.copy()));
        }
        return out;
    }

    private static void putMap(Map<String, Map<String, JsonObject>> target, String id, JsonObject json) {
        if (json == null || json.isEmpty()) {
            return;
        }
        Map<String, JsonObject> map = new LinkedHashMap<>();
        json.forEach(e -> map.put(e.getKey(), ((JsonObject) e.getValue()).copy()));
        target.put(id, map);
    }

    private static JsonObject mutationJson(Mutation m) {
        return new JsonObject()
                .put("sequence", m.sequence())
                .put("userId", m.userId())
                .put("operation", m.operation())
                .put("idempotencyKey", m.idempotencyKey())
                .put("at", m.at().toString());
    }

    private void addMutation(JsonObject json) {
        Mutation m = new Mutation(
                json.getLong("sequence"),
                json.getString("userId"),
                json.getString("operation"),
                json.getString("idempotencyKey"),
                Instant.parse(json.getString("at")));
        mutations.add(m);
        operationCounts.merge(m.operation(), 1L, Long::sum);
    }

    private JsonObject exportState() {
        JsonArray allUsers = new JsonArray();
        users.keySet().forEach(id -> allUsers.add(aggregate(id)));
        JsonArray allRoles = new JsonArray();
        roles.values().forEach(r -> allRoles.add(r.toJson()));
        JsonArray allMutations = new JsonArray();
        mutations.forEach(m -> allMutations.add(mutationJson(m)));
        return new JsonObject().put("users", allUsers).put("roles", allRoles).put("mutations", allMutations);
    }

    private void importState(JsonObject state) {
        replay(new JsonObject().put("roles", state.getJsonArray("roles", new JsonArray())));
        for (Object u : state.getJsonArray("users", new JsonArray())) {
            JsonObject aggregate = (JsonObject) u;
            putAggregate(aggregate.getJsonObject("record").getString("id"), aggregate);
        }
        state.getJsonArray("mutations", new JsonArray()).forEach(m -> addMutation((JsonObject) m));
    }

    /** Applies one journal line; later lines win, as they were written in the order the changes happened. */
    private void replay(JsonObject change) {
        if (change.containsKey("roles")) {
            roles.clear();
            change.getJsonArray("roles").forEach(r -> {
                Role role = Role.fromJson((JsonObject) r);
                roles.put(role.id(), role);
            });
        } else if (change.containsKey("user")) {
            String id = change.getString("user");
            if (change.getBoolean("gone", false)) {
                removeUserData(id);
            } else {
                putAggregate(id, change.getJsonObject("state"));
            }
        } else if (change.containsKey("mutation")) {
            addMutation(change.getJsonObject("mutation"));
        } else {
            throw new IllegalStateException("unknown state change: " + change.fieldNames());
        }
    }

    /** 64-bit FNV-1a of the encoded form: collisions are too rare to hide a change. */
    private static long hash(JsonObject json) {
        String encoded = json.encode();
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < encoded.length(); i++) {
            h ^= encoded.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
