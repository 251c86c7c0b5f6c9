package dev.logtocp.processor.command;

import dev.logtocp.processor.command.UserResolver.ResolvedUser;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The organization calls and answers the organization handlers share. Logto's organization endpoints answer
 * differently from the user endpoints (measured on Logto 1.42, see {@code LogtoContractIT}):
 * <ul>
 *   <li>adding a member answers 201 whether or not the user already was one; an unknown user or organization
 *       both answer 422 {@code entity.relation_foreign_key_not_found};</li>
 *   <li>removing a member answers 404 {@code entity.not_found} for a non-member, an unknown user and an unknown
 *       organization alike;</li>
 *   <li>every {@code /users/{userId}/roles} path first checks membership: a non-member, an unknown user and an
 *       unknown organization all answer 422 {@code organization.require_membership}; past that check an unknown
 *       organization role answers 422 {@code entity.relation_foreign_key_not_found} (on add and replace) or 404
 *       {@code entity.not_found} (on remove, as does a role the member does not have).</li>
 * </ul>
 * So an ambiguous refusal is settled by asking whether the user exists: a missing user is always
 * {@code user_not_found}. What each answer means is decided in {@link LogtoAnswers}; this class makes the calls.
 *
 * <p>Called on the event loop; never blocks.
 */
final class OrganizationCalls {
    static final String ORGANIZATION_NOT_FOUND = "organization_not_found";
    static final String ORGANIZATION_ROLE_NOT_FOUND = "organization_role_not_found";

    private OrganizationCalls() {}

    static String organizationPath(String organizationId) {
        return "/api/organizations/" + PathSegments.encode(organizationId);
    }

    static String memberPath(String organizationId, String userId) {
        return organizationPath(organizationId) + "/users/" + PathSegments.encode(userId);
    }

    /** {@code POST /api/organizations/{id}/users} for one user; read by {@link LogtoAnswers#memberAdded}. */
    static Future<HandlerResult> addMember(
            ExecutionContext ctx,
            ResolvedUser user,
            String organizationId,
            String action,
            String idempotencyKey,
            Map<String, String> details) {
        JsonObject body = new JsonObject().put("userIds", new JsonArray().add(user.id()));
        return ctx.logto()
                .write(action, HttpMethod.POST, organizationPath(organizationId) + "/users", null, body, idempotencyKey)
                .compose(response -> LogtoAnswers.memberAdded(ctx, user, response, action, details));
    }

    /** {@code DELETE /api/organizations/{id}/users/{userId}}; read by {@link LogtoAnswers#memberRemoved}. */
    static Future<HandlerResult> removeMember(
            ExecutionContext ctx,
            ResolvedUser user,
            String organizationId,
            String action,
            String idempotencyKey,
            Map<String, String> details) {
        return ctx.logto()
                .write(action, HttpMethod.DELETE, memberPath(organizationId, user.id()), null, null, idempotencyKey)
                .compose(response -> LogtoAnswers.memberRemoved(ctx, user, response, action, details));
    }

    /** A list of ids: {@code min} to 100 items, each a non-blank id. */
    static Validation ids(Validation v, String field, List<String> ids, int min) {
        if (ids == null) {
            return v.add(field, "is required");
        }
        if (ids.size() < min) {
            v.add(field, "needs at least " + min + " item" + (min == 1 ? "" : "s"));
        } else if (ids.size() > 100) {
            v.add(field, "has more than 100 items");
        }
        for (int i = 0; i < ids.size(); i++) {
            v.requireText(field + "[" + i + "]", ids.get(i), Validation.MAX_ID);
        }
        return v;
    }

    static String join(List<String> ids) {
        return String.join(",", ids);
    }
}
