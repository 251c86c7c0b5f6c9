package dev.logtocp.processor.security;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One issuer's limits on organization commands, from the {@code organizations} object of its policy entry:
 *
 * <pre>{@code
 * "organizations": {
 *   "ids": ["org-acme", "org-globex"],                       // organization ids or "*"
 *   "roles": { "assign": ["org-member"], "revoke": ["*"] }    // organization role ids or "*"
 * }
 * }</pre>
 *
 * <p>An issuer without {@code organizations} may send no organization command, however its {@code commands} read,
 * as an issuer without {@code roles} may give no role. Role limits apply inside the allowed organizations. A
 * command that may change memberships of organizations it does not name needs {@code ids: ["*"]}; one that may
 * take away organization roles it does not name (a roles replace, or removing a member, which drops the member's
 * roles there) needs {@code roles.revoke: ["*"]}.
 *
 * <p>Immutable and thread-safe.
 */
record OrganizationRule(IdSet ids, IdSet assign, IdSet revoke) {

    /** The rule of an issuer whose entry has no {@code organizations}: nothing allowed. */
    static final OrganizationRule NONE = new OrganizationRule(IdSet.EMPTY, IdSet.EMPTY, IdSet.EMPTY);

    /** A set of ids, or any id. */
    record IdSet(boolean any, Set<String> values) {
        static final IdSet EMPTY = new IdSet(false, Set.of());

        boolean allows(String id) {
            return any || values.contains(id);
        }
    }

    /**
     * @param json the value of {@code organizations}, or null when absent
     * @param path its JSON path, for error messages
     */
    static OrganizationRule parse(Object json, String path) {
        if (json == null) {
            return NONE;
        }
        if (!(json instanceof JsonObject object)) {
            throw new IssuerPolicyException(path, "must be an object");
        }
        for (String field : object.fieldNames()) {
            if (!field.equals("ids") && !field.equals("roles")) {
                throw new IssuerPolicyException(path + "." + field, "unknown field (expected one of [ids, roles])");
            }
        }
        if (object.getValue("ids") == null) {
            throw new IssuerPolicyException(path + ".ids", "is required (organization ids or \"*\")");
        }
        IdSet ids = ids(object.getValue("ids"), path + ".ids");
        IdSet assign = IdSet.EMPTY;
        IdSet revoke = IdSet.EMPTY;
        Object rolesJson = object.getValue("roles");
        if (rolesJson != null) {
            if (!(rolesJson instanceof JsonObject roles)) {
                throw new IssuerPolicyException(path + ".roles", "must be an object");
            }
            for (String field : roles.fieldNames()) {
                if (!field.equals("assign") && !field.equals("revoke")) {
                    throw new IssuerPolicyException(
                            path + ".roles." + field, "unknown field (expected one of [assign, revoke])");
                }
            }
            assign = roles.getValue("assign") == null
                    ? IdSet.EMPTY
                    : ids(roles.getValue("assign"), path + ".roles.assign");
            revoke = roles.getValue("revoke") == null
                    ? IdSet.EMPTY
                    : ids(roles.getValue("revoke"), path + ".roles.revoke");
        }
        return new OrganizationRule(ids, assign, revoke);
    }

    private static IdSet ids(Object value, String path) {
        if (!(value instanceof JsonArray array)) {
            throw new IssuerPolicyException(path, "must be an array of strings");
        }
        Set<String> out = new LinkedHashSet<>();
        boolean any = false;
        for (int i = 0; i < array.size(); i++) {
            if (!(array.getValue(i) instanceof String id) || id.isBlank()) {
                throw new IssuerPolicyException(path + "[" + i + "]", "must be a non-empty string");
            }
            if (id.equals("*")) {
                any = true;
            } else {
                out.add(id);
            }
        }
        return new IdSet(any, Set.copyOf(out));
    }

    /** May {@code issuer} make the changes {@code access} describes? The reason names ids, never secrets. */
    IssuerPolicy.Decision authorize(String issuer, String commandType, OrganizationAccess access) {
        if (access.changesUnnamedOrganizations() && !ids.any()) {
            return new IssuerPolicy.Denied("issuer " + issuer + " may not send " + commandType
                    + ": it can change memberships of any organization, which needs organizations.ids [\"*\"]");
        }
        for (String organizationId : access.organizationIds()) {
            if (!ids.allows(organizationId)) {
                return new IssuerPolicy.Denied(
                        "issuer " + issuer + " may not change organization " + IssuerPolicy.clip(organizationId));
            }
        }
        if (access.removesUnnamedRoles() && !revoke.any()) {
            return new IssuerPolicy.Denied("issuer " + issuer + " may not send " + commandType
                    + ": it can remove any organization role, which needs organizations.roles.revoke [\"*\"]");
        }
        for (String roleId : access.rolesGranted()) {
            if (!assign.allows(roleId)) {
                return new IssuerPolicy.Denied(
                        "issuer " + issuer + " may not assign organization role " + IssuerPolicy.clip(roleId));
            }
        }
        for (String roleId : access.rolesRemoved()) {
            if (!revoke.allows(roleId)) {
                return new IssuerPolicy.Denied(
                        "issuer " + issuer + " may not revoke organization role " + IssuerPolicy.clip(roleId));
            }
        }
        return IssuerPolicy.Decision.ALLOWED;
    }
}
