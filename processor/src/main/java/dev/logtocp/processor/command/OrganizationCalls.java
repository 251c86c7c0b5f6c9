package dev.logtocp.processor.command;

import dev.logtocp.processor.command.UserResolver.ResolvedUser;
import dev.logtocp.processor.logto.LogtoResponse;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

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
 * {@code user_not_found}.
 *
 * <p>Called on the event loop; never blocks.
 */
final class OrganizationCalls {
    static final String ORGANIZATION_NOT_FOUND = "organization_not_found";
    static final String ORGANIZATION_ROLE_NOT_FOUND = "organization_role_not_found";
    static final String REQUIRE_MEMBERSHIP = "organization.require_membership";
    static final String FOREIGN_KEY_NOT_FOUND = "entity.relation_foreign_key_not_found";

    private OrganizationCalls() {
    }

    static String organizationPath(String organizationId) {
        return "/api/organizations/" + PathSegments.encode(organizationId);
    }

    static String memberPath(String organizationId, String userId) {
        return organizationPath(organizationId) + "/users/" + PathSegments.encode(userId);
    }

    /** {@code POST /api/organizations/{id}/users} for one user; 201 also for an existing member. */
    static Future<HandlerResult> addMember(ExecutionContext ctx, ResolvedUser user, String organizationId, String action,
                                           String idempotencyKey, Map<String, String> details) {
        JsonObject body = new JsonObject().put("userIds", new JsonArray().add(user.id()));
        return ctx.logto().write(action, HttpMethod.POST, organizationPath(organizationId) + "/users", null, body, idempotencyKey)
                .compose(response -> {
                    if (response.isSuccess()) {
                        return Future.succeededFuture(HandlerResult.succeeded(user.id(), details));
                    }
                    if (response.status() == 422 && code(response).equals(FOREIGN_KEY_NOT_FOUND)) {
                        // Either the user or the organization is missing; the user is the one we can ask about.
                        return unlessUserMissing(ctx, user, () -> HandlerResult.failed(user.id(), ORGANIZATION_NOT_FOUND,
                                "no organization with that id", 422));
                    }
                    return LogtoAnswers.refusal(user.id(), response, action, false);
                });
    }

    /**
     * {@code DELETE /api/organizations/{id}/users/{userId}}: 2xx removed now; 404 means not a member (of an
     * organization that may not exist either), which is the goal, once the user is known to exist.
     */
    static Future<HandlerResult> removeMember(ExecutionContext ctx, ResolvedUser user, String organizationId, String action,
                                              String idempotencyKey, Map<String, String> details) {
        return ctx.logto().write(action, HttpMethod.DELETE, memberPath(organizationId, user.id()), null, null, idempotencyKey)
                .compose(response -> {
                    if (response.isSuccess()) {
                        return Future.succeededFuture(HandlerResult.succeeded(user.id(), details));
                    }
                    if (response.status() == 404) {
                        return unlessUserMissing(ctx, user, () -> HandlerResult.succeeded(user.id(), alreadyApplied(details)));
                    }
                    return LogtoAnswers.refusal(user.id(), response, action, false);
                });
    }

    /**
     * A refusal from a {@code /users/{userId}/roles} path: {@code organization.require_membership} becomes
     * {@code user_not_found} for a missing user, else {@code ifMember}'s answer for a non-member; an unknown role
     * becomes {@code organization_role_not_found}.
     */
    static Future<HandlerResult> roleRefusal(ExecutionContext ctx, ResolvedUser user, LogtoResponse response, String action,
                                             Supplier<HandlerResult> notMember) {
        String code = code(response);
        if (response.status() == 422 && code.equals(REQUIRE_MEMBERSHIP)) {
            return unlessUserMissing(ctx, user, notMember);
        }
        if (response.status() == 422 && code.equals(FOREIGN_KEY_NOT_FOUND)) {
            return Future.succeededFuture(HandlerResult.failed(user.id(), ORGANIZATION_ROLE_NOT_FOUND,
                    "no organization role with one of those ids", 422));
        }
        return LogtoAnswers.refusal(user.id(), response, action, false);
    }

    /** A non-member refusal, kept with Logto's code and message. */
    static HandlerResult notAMember(String userId, LogtoResponse response) {
        return HandlerResult.failed(userId, REQUIRE_MEMBERSHIP, response.errorMessage().orElse(null), 422);
    }

    /** {@code answer} once the user is known to exist; {@code user_not_found} otherwise. */
    static Future<HandlerResult> unlessUserMissing(ExecutionContext ctx, ResolvedUser user,
                                                   Supplier<HandlerResult> answer) {
        Future<Boolean> exists = user.verified() ? Future.succeededFuture(true) : ctx.users().exists(user.id());
        return exists.map(found -> found ? answer.get() : LogtoAnswers.userNotFound(user.id()));
    }

    static Map<String, String> alreadyApplied(Map<String, String> details) {
        Map<String, String> out = new HashMap<>(details);
        out.putAll(LogtoAnswers.ALREADY_APPLIED);
        return out;
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

    private static String code(LogtoResponse response) {
        return response.errorCode().orElse("http_" + response.status());
    }
}
