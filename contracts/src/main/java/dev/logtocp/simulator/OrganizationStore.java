package dev.logtocp.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Organizations, organization roles, memberships and members' organization roles, with the answers Logto 1.42
 * gives (measured; see {@code LogtoContractIT}): relation inserts are "on conflict do nothing", a missing
 * organization, user or role in an insert is 422 {@code entity.relation_foreign_key_not_found} and nothing is
 * inserted, deleting a relation that is not there is 404 {@code entity.not_found}, and leaving an organization (or
 * the user's deletion) drops the member's roles there.
 *
 * <p>Threading: every method locks the {@link Store} it belongs to, so users and organizations change under one
 * lock (a user's deletion and its memberships' go together). Everything returned is a copy.
 */
final class OrganizationStore {

    /** An organization role as stored; {@code type} is {@code User} or {@code MachineToMachine}. */
    record OrganizationRole(String id, String name, String description, String type) {
        JsonObject toJson() {
            return new JsonObject()
                    .put("tenantId", "default")
                    .put("id", id)
                    .put("name", name)
                    .put("description", description)
                    .put("type", type);
        }
    }

    private final Store store;
    private final Map<String, JsonObject> organizations = new LinkedHashMap<>();
    private final Map<String, OrganizationRole> roles = new LinkedHashMap<>();
    /** organization id → member user ids, in the order they joined. */
    private final Map<String, Set<String>> members = new LinkedHashMap<>();
    /** organization id → member user id → organization role ids. */
    private final Map<String, Map<String, Set<String>>> memberRoles = new LinkedHashMap<>();

    OrganizationStore(Store store) {
        this.store = store;
    }

    void clear() {
        synchronized (store) {
            organizations.clear();
            roles.clear();
            members.clear();
            memberRoles.clear();
        }
    }

    // ---- organizations and organization roles (set-up) ------------------------------------------------------------

    JsonObject createOrganization(String name, String description, String idempotencyKey, boolean recorded) {
        synchronized (store) {
            String id;
            do {
                id = Ids.next(12);
            } while (organizations.containsKey(id));
            // Logto does not require organization names to be unique.
            JsonObject organization = new JsonObject()
                    .put("tenantId", "default")
                    .put("id", id)
                    .put("name", name)
                    .put("description", description)
                    .put("customData", new JsonObject())
                    .put("isMfaRequired", false)
                    .put("color", new JsonObject())
                    .put("branding", new JsonObject())
                    .putNull("customCss")
                    .put("createdAt", store.clockMillis());
            organizations.put(id, organization);
            if (recorded) {
                store.record(null, "organization.create", idempotencyKey);
            }
            return organization.copy();
        }
    }

    JsonObject organization(String id) {
        synchronized (store) {
            JsonObject organization = organizations.get(id);
            if (organization == null) {
                throw ApiError.of(
                        404, "entity.not_exists_with_id", "The organizations with ID `" + id + "` does not exist.");
            }
            return organization.copy();
        }
    }

    void deleteOrganization(String id, String idempotencyKey) {
        synchronized (store) {
            if (organizations.remove(id) == null) {
                throw notFound();
            }
            members.remove(id);
            memberRoles.remove(id);
            store.record(null, "organization.delete", idempotencyKey);
        }
    }

    JsonObject createRole(String name, String description, String type, String idempotencyKey, boolean recorded) {
        synchronized (store) {
            for (OrganizationRole role : roles.values()) {
                if (role.name().equals(name)) {
                    throw ApiError.of(
                            422,
                            "entity.unique_integrity_violation",
                            "The entity already exists. Please check the input and try again.");
                }
            }
            OrganizationRole role = new OrganizationRole(Ids.next(21), name, description, type);
            roles.put(role.id(), role);
            if (recorded) {
                store.record(null, "organizationRole.create", idempotencyKey);
            }
            return role.toJson();
        }
    }

    JsonObject role(String id) {
        synchronized (store) {
            OrganizationRole role = roles.get(id);
            if (role == null) {
                throw notFound();
            }
            return role.toJson();
        }
    }

    void deleteRole(String id, String idempotencyKey) {
        synchronized (store) {
            if (roles.remove(id) == null) {
                throw notFound();
            }
            memberRoles.values().forEach(byUser -> byUser.values().forEach(set -> set.remove(id)));
            store.record(null, "organizationRole.delete", idempotencyKey);
        }
    }

    // ---- memberships ---------------------------------------------------------------------------------------------

    /** Adds members (one statement: all or nothing); returns the ids that were not members before. */
    List<String> addMembers(String organizationId, List<String> userIds, String idempotencyKey) {
        synchronized (store) {
            if (!organizations.containsKey(organizationId) || !userIds.stream().allMatch(store::hasUser)) {
                throw foreignKeyNotFound();
            }
            Set<String> current = members.computeIfAbsent(organizationId, k -> new LinkedHashSet<>());
            List<String> added = new ArrayList<>();
            for (String userId : userIds) {
                if (current.add(userId)) {
                    added.add(userId);
                    store.record(userId, "organization.member.add", idempotencyKey);
                }
            }
            return added;
        }
    }

    /** The organization's members become exactly {@code userIds}; leavers lose their roles there. */
    void replaceMembers(String organizationId, List<String> userIds, String idempotencyKey) {
        synchronized (store) {
            Set<String> next = new LinkedHashSet<>(userIds);
            // Logto's replace deletes then inserts: an empty list needs no organization, a non-empty one does.
            if (!next.isEmpty()
                    && (!organizations.containsKey(organizationId)
                            || !next.stream().allMatch(store::hasUser))) {
                throw foreignKeyNotFound();
            }
            Set<String> current = new LinkedHashSet<>(members.getOrDefault(organizationId, Set.of()));
            for (String userId : current) {
                if (!next.contains(userId)) {
                    leave(organizationId, userId);
                    store.record(userId, "organization.member.remove", idempotencyKey);
                }
            }
            for (String userId : next) {
                if (!current.contains(userId)) {
                    members.computeIfAbsent(organizationId, k -> new LinkedHashSet<>())
                            .add(userId);
                    store.record(userId, "organization.member.add", idempotencyKey);
                }
            }
        }
    }

    void removeMember(String organizationId, String userId, String idempotencyKey) {
        synchronized (store) {
            if (!isMember(organizationId, userId)) {
                throw notFound();
            }
            leave(organizationId, userId);
            store.record(userId, "organization.member.remove", idempotencyKey);
        }
    }

    private void leave(String organizationId, String userId) {
        Set<String> current = members.get(organizationId);
        if (current != null) {
            current.remove(userId);
        }
        Map<String, Set<String>> byUser = memberRoles.get(organizationId);
        if (byUser != null) {
            byUser.remove(userId);
        }
    }

    /** Called by the store when a user is deleted: the rows cascade in Logto's database. */
    void forgetUser(String userId) {
        synchronized (store) {
            members.values().forEach(set -> set.remove(userId));
            memberRoles.values().forEach(byUser -> byUser.remove(userId));
        }
    }

    boolean isMember(String organizationId, String userId) {
        synchronized (store) {
            return members.getOrDefault(organizationId, Set.of()).contains(userId);
        }
    }

    /** Logto checks membership before anything else on every {@code /users/{userId}/roles} path. */
    void requireMembership(String organizationId, String userId) {
        synchronized (store) {
            if (!isMember(organizationId, userId)) {
                throw ApiError.of(
                        422,
                        "organization.require_membership",
                        "The user must be a member of the organization to proceed.");
            }
        }
    }

    /** The organization's members as users with their organization roles ({@code id}, {@code name}). */
    JsonArray membersOf(String organizationId) {
        synchronized (store) {
            JsonArray out = new JsonArray();
            for (String userId : members.getOrDefault(organizationId, Set.of())) {
                JsonObject user = store.user(userId);
                if (user != null) {
                    user.remove("hasPassword");
                    out.add(user.put("organizationRoles", roleRefs(organizationId, userId)));
                }
            }
            return out;
        }
    }

    /** The user's organizations with the user's roles in each, as {@code GET /api/users/{id}/organizations}. */
    JsonArray organizationsOf(String userId) {
        synchronized (store) {
            if (!store.hasUser(userId)) {
                throw ApiError.userNotFound();
            }
            JsonArray out = new JsonArray();
            for (Map.Entry<String, Set<String>> entry : members.entrySet()) {
                if (entry.getValue().contains(userId) && organizations.containsKey(entry.getKey())) {
                    out.add(organizations
                            .get(entry.getKey())
                            .copy()
                            .put("organizationRoles", roleRefs(entry.getKey(), userId)));
                }
            }
            return out;
        }
    }

    Set<String> organizationIdsOf(String userId) {
        synchronized (store) {
            Set<String> out = new LinkedHashSet<>();
            members.forEach((organizationId, users) -> {
                if (users.contains(userId)) {
                    out.add(organizationId);
                }
            });
            return Set.copyOf(out);
        }
    }

    private JsonArray roleRefs(String organizationId, String userId) {
        JsonArray out = new JsonArray();
        for (String roleId : memberRoles.getOrDefault(organizationId, Map.of()).getOrDefault(userId, Set.of())) {
            OrganizationRole role = roles.get(roleId);
            if (role != null) {
                out.add(new JsonObject().put("id", role.id()).put("name", role.name()));
            }
        }
        return out;
    }

    // ---- members' organization roles -----------------------------------------------------------------------------

    JsonArray memberRoles(String organizationId, String userId) {
        synchronized (store) {
            requireMembership(organizationId, userId);
            JsonArray out = new JsonArray();
            for (String roleId :
                    memberRoles.getOrDefault(organizationId, Map.of()).getOrDefault(userId, Set.of())) {
                OrganizationRole role = roles.get(roleId);
                if (role != null) {
                    out.add(role.toJson());
                }
            }
            return out;
        }
    }

    Set<String> memberRoleIds(String organizationId, String userId) {
        synchronized (store) {
            return Set.copyOf(memberRoles.getOrDefault(organizationId, Map.of()).getOrDefault(userId, Set.of()));
        }
    }

    /** The ids of the named roles; 422 {@code organization.role_names_not_found} naming those that do not exist. */
    List<String> roleIdsByName(List<String> names) {
        synchronized (store) {
            List<String> ids = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String name : names) {
                roles.values().stream()
                        .filter(r -> r.name().equals(name))
                        .findFirst()
                        .ifPresentOrElse(r -> ids.add(r.id()), () -> missing.add(name));
            }
            if (!missing.isEmpty()) {
                throw ApiError.of(
                        422,
                        "organization.role_names_not_found",
                        "Invalid role names detected: " + String.join(", ", missing)
                                + ". Please create these roles first before proceeding.");
            }
            return ids;
        }
    }

    /** Inserts (organization, user, role) rows, all or nothing; existing rows are kept as they are. */
    void addMemberRoles(String organizationId, List<String> userIds, List<String> roleIds, String idempotencyKey) {
        synchronized (store) {
            if (roleIds.isEmpty() || userIds.isEmpty()) {
                throw ApiError.of(422, "entity.invalid_input", "Invalid input. Value list must not be empty.");
            }
            // The rows reference the membership and the role: both must exist.
            for (String userId : userIds) {
                if (!isMember(organizationId, userId)) {
                    throw foreignKeyNotFound();
                }
            }
            assertAssignable(roleIds);
            for (String userId : userIds) {
                Set<String> held = memberRoles
                        .computeIfAbsent(organizationId, k -> new LinkedHashMap<>())
                        .computeIfAbsent(userId, k -> new LinkedHashSet<>());
                if (held.addAll(roleIds)) {
                    store.record(userId, "organization.member.roles.add", idempotencyKey);
                }
            }
        }
    }

    void replaceMemberRoles(String organizationId, String userId, List<String> roleIds, String idempotencyKey) {
        synchronized (store) {
            assertAssignable(roleIds);
            Map<String, Set<String>> byUser = memberRoles.computeIfAbsent(organizationId, k -> new LinkedHashMap<>());
            Set<String> next = new LinkedHashSet<>(roleIds);
            Set<String> previous = byUser.put(userId, next);
            if (!next.equals(previous == null ? Set.of() : previous)) {
                store.record(userId, "organization.member.roles.replace", idempotencyKey);
            }
        }
    }

    void removeMemberRole(String organizationId, String userId, String roleId, String idempotencyKey) {
        synchronized (store) {
            Set<String> held =
                    memberRoles.getOrDefault(organizationId, Map.of()).get(userId);
            if (held == null || !held.remove(roleId)) {
                throw notFound();
            }
            store.record(userId, "organization.member.roles.remove", idempotencyKey);
        }
    }

    private void assertAssignable(List<String> roleIds) {
        for (String roleId : roleIds) {
            if (!roles.containsKey(roleId)) {
                throw foreignKeyNotFound();
            }
        }
        for (String roleId : roleIds) {
            // A check constraint in Logto's database keeps machine-to-machine roles away from users.
            if (!"User".equals(roles.get(roleId).type())) {
                throw ApiError.of(422, "entity.db_constraint_violated", "Database constraint violated.");
            }
        }
    }

    private static ApiError foreignKeyNotFound() {
        return ApiError.of(
                422,
                "entity.relation_foreign_key_not_found",
                "Cannot find one or more foreign keys. Please"
                        + " check the input and ensure that all referenced entities exist.");
    }

    private static ApiError notFound() {
        return ApiError.of(404, "entity.not_found", "The resource does not exist.");
    }
}
