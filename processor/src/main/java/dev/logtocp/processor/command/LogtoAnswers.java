package dev.logtocp.processor.command;

import dev.logtocp.processor.command.UserResolver.ResolvedUser;
import dev.logtocp.processor.logto.LogtoResponse;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a Logto answer means for a command, kept in one place so that every handler reads statuses alike. Handlers
 * make the calls and say what they want on success; every decision about an answer that is not a plain success
 * (FAILED with Logto's code, {@code user_not_found}, "already applied", or a failed future the engine retries) is
 * one of the named methods here. The special cases carry the Logto fact that justifies them (measured on Logto 1.42,
 * see {@code ../shared/logto/README.md}).
 *
 * <p>Called on the event loop; never blocks.
 */
final class LogtoAnswers {
    static final Map<String, String> ALREADY_APPLIED = Map.of("alreadyApplied", "true");
    /** Refusals that retrying cannot change. 401/403 stay with the engine: they are about our credentials. */
    private static final Set<Integer> REFUSALS = Set.of(400, 404, 409, 422);

    private static final String REDACTED = "Logto refused the request";
    private static final String NOT_FOUND = "entity.not_found";
    /**
     * Logto's 404 when an insert under {@code /api/users/{id}/...} names a row that is not there. On these paths the
     * only such row is the user (roles, connectors and tokens are looked up by Logto before it inserts), e.g. a
     * personal access token created for a user deleted a moment before.
     */
    private static final String FOREIGN_KEY_NOT_FOUND = "entity.relation_foreign_key_not_found";
    /** Organization paths answer this for a non-member, an unknown user and an unknown organization alike. */
    private static final String REQUIRE_MEMBERSHIP = "organization.require_membership";

    private LogtoAnswers() {}

    // ---- writes on a path under the user ----

    /** 2xx is SUCCEEDED with {@code details}; anything else is {@link #refusal}. */
    static Future<HandlerResult> applied(
            String userId, LogtoResponse response, String action, Map<String, String> details, boolean redact) {
        return response.isSuccess()
                ? Future.succeededFuture(HandlerResult.succeeded(userId, details))
                : refusal(userId, response, action, redact);
    }

    /**
     * FAILED with Logto's code for a refusal; a 404 {@code entity.not_found} (or
     * {@code entity.relation_foreign_key_not_found}) on a path under the user means the user is not there and becomes
     * {@code user_not_found}. Any other status is a failed future carrying the
     * exception the engine retries or ends the command with.
     *
     * @param redact true for commands carrying secrets: Logto's message is replaced, because a connector's or a
     *               guard's message is not ours to trust not to repeat part of the request
     */
    static Future<HandlerResult> refusal(String userId, LogtoResponse response, String action, boolean redact) {
        if (refusedWith(response, 404, NOT_FOUND) || refusedWith(response, 404, FOREIGN_KEY_NOT_FOUND)) {
            return Future.succeededFuture(userNotFound(userId));
        }
        return refused(userId, response, action, redact);
    }

    /**
     * FAILED with Logto's code for a refusal, with no reading of a 404 as a missing user: for paths that are not
     * under a user (the create). Any other status is a failed future, as in {@link #refusal}.
     */
    static Future<HandlerResult> refused(String userId, LogtoResponse response, String action, boolean redact) {
        if (!REFUSALS.contains(response.status())) {
            return Future.failedFuture(response.toException(action));
        }
        String message = redact ? REDACTED : response.errorMessage().orElse(null);
        return Future.succeededFuture(HandlerResult.failed(userId, code(response), message, response.status()));
    }

    /**
     * DELETE of one item under a user, idempotently: see {@link #removal}.
     */
    static Future<HandlerResult> deleteItem(
            ExecutionContext ctx, ResolvedUser user, String itemPath, String action, Map<String, String> details) {
        return ctx.logto()
                .write(action, HttpMethod.DELETE, user.path() + itemPath, null, null, ctx.idempotencyKey())
                .compose(response -> removal(ctx, user, response, action, details));
    }

    /**
     * The answer to removing one item under a user: 2xx is done now; 404 is "already gone" once the user is known to
     * exist (Logto answers the same 404 for a missing user); any other refusal is FAILED with Logto's code.
     */
    static Future<HandlerResult> removal(
            ExecutionContext ctx,
            ResolvedUser user,
            LogtoResponse response,
            String action,
            Map<String, String> details) {
        if (response.isSuccess()) {
            return Future.succeededFuture(HandlerResult.succeeded(user.id(), details));
        }
        if (response.status() == 404) {
            return unlessUserMissing(ctx, user, () -> HandlerResult.succeeded(user.id(), ALREADY_APPLIED));
        }
        return refusal(user.id(), response, action, false);
    }

    /**
     * For removals whose 404 is about the item alone (Logto checked the user, or the user is what was removed): 2xx
     * is done now, a 404 with {@code goneCode} (any code when null) is SUCCEEDED with
     * {@code details.alreadyApplied=true}; anything else goes to {@code otherwise}.
     */
    static Future<HandlerResult> goneOn404(
            String userId,
            LogtoResponse response,
            String goneCode,
            Map<String, String> details,
            Function<LogtoResponse, Future<HandlerResult>> otherwise) {
        if (response.isSuccess()) {
            return Future.succeededFuture(HandlerResult.succeeded(userId, details));
        }
        if (response.status() == 404 && (goneCode == null || goneCode.equals(code(response)))) {
            return Future.succeededFuture(HandlerResult.succeeded(userId, alreadyApplied(details)));
        }
        return otherwise.apply(response);
    }

    /**
     * An ambiguous 404 on an insert under the user (Logto inserts without looking the user up): the user is asked
     * for even when resolution saw it, since it may have gone since; there → FAILED with Logto's code, missing →
     * {@code user_not_found}.
     */
    static Future<HandlerResult> notFoundUnlessUserMissing(
            ExecutionContext ctx, ResolvedUser user, LogtoResponse response) {
        return ctx.users()
                .exists(user.id())
                .map(found -> found
                        ? HandlerResult.failed(
                                user.id(),
                                code(response),
                                response.errorMessage().orElse(null),
                                404)
                        : userNotFound(user.id()));
    }

    /**
     * {@code POST /password/verify}: true on 2xx, false on 422 ({@code session.invalid_credentials}, a wrong password);
     * any other refusal fails the command as {@link #refusal} reads it ({@code user_not_found} for a missing user, else
     * Logto's code, e.g. 400 for a user without a password), without Logto's message (the request carried a password);
     * other statuses fail with the exception the engine retries.
     */
    static Future<Boolean> passwordMatches(String userId, LogtoResponse response, String action) {
        if (response.isSuccess()) {
            return Future.succeededFuture(true);
        }
        if (response.status() == 422) {
            return Future.succeededFuture(false);
        }
        return refusal(userId, response, action, true)
                .compose(decided -> Future.failedFuture(new CommandFailure(
                        decided.errorCode(),
                        decided.errorCode().equals(UserResolver.USER_NOT_FOUND)
                                ? decided.errorMessage()
                                : "password cannot be verified",
                        decided.httpStatus())));
    }

    // ---- organization paths ----

    /**
     * {@code POST /api/organizations/{id}/users}: 2xx (also for an existing member) is done; 422
     * {@code entity.relation_foreign_key_not_found} is a missing user or else a missing organization.
     */
    static Future<HandlerResult> memberAdded(
            ExecutionContext ctx,
            ResolvedUser user,
            LogtoResponse response,
            String action,
            Map<String, String> details) {
        if (response.isSuccess()) {
            return Future.succeededFuture(HandlerResult.succeeded(user.id(), details));
        }
        if (refusedWith(response, 422, FOREIGN_KEY_NOT_FOUND)) {
            // Either the user or the organization is missing; the user is the one we can ask about.
            return unlessUserMissing(
                    ctx,
                    user,
                    () -> HandlerResult.failed(
                            user.id(), OrganizationCalls.ORGANIZATION_NOT_FOUND, "no organization with that id", 422));
        }
        return refusal(user.id(), response, action, false);
    }

    /**
     * {@code DELETE /api/organizations/{id}/users/{userId}}: 2xx removed now; 404 means not a member (of an
     * organization that may not exist either), which is the goal, once the user is known to exist.
     */
    static Future<HandlerResult> memberRemoved(
            ExecutionContext ctx,
            ResolvedUser user,
            LogtoResponse response,
            String action,
            Map<String, String> details) {
        if (response.isSuccess()) {
            return Future.succeededFuture(HandlerResult.succeeded(user.id(), details));
        }
        if (response.status() == 404) {
            return unlessUserMissing(ctx, user, () -> HandlerResult.succeeded(user.id(), alreadyApplied(details)));
        }
        return refusal(user.id(), response, action, false);
    }

    /**
     * A refusal from a {@code /users/{userId}/roles} path of an organization: {@code organization.require_membership}
     * becomes {@code user_not_found} for a missing user, else {@code notMember}'s answer; an unknown role (422
     * {@code entity.relation_foreign_key_not_found}, past the membership check) becomes
     * {@code organization_role_not_found}.
     */
    static Future<HandlerResult> organizationRoleRefusal(
            ExecutionContext ctx,
            ResolvedUser user,
            LogtoResponse response,
            String action,
            Supplier<HandlerResult> notMember) {
        if (refusedWith(response, 422, REQUIRE_MEMBERSHIP)) {
            return unlessUserMissing(ctx, user, notMember);
        }
        if (refusedWith(response, 422, FOREIGN_KEY_NOT_FOUND)) {
            return Future.succeededFuture(HandlerResult.failed(
                    user.id(),
                    OrganizationCalls.ORGANIZATION_ROLE_NOT_FOUND,
                    "no organization role with one of those ids",
                    422));
        }
        return refusal(user.id(), response, action, false);
    }

    /** A non-member refusal, kept with Logto's code and message. */
    static HandlerResult notAMember(String userId, LogtoResponse response) {
        return HandlerResult.failed(
                userId, REQUIRE_MEMBERSHIP, response.errorMessage().orElse(null), 422);
    }

    // ---- reads ----

    /** A read that must succeed: the answer on 2xx, else the exception the engine retries or fails with. */
    static LogtoResponse ok(LogtoResponse response, String operation) {
        if (!response.isSuccess()) {
            throw response.toException(operation);
        }
        return response;
    }

    /** A read of one thing: the answer on 2xx, empty on 404 (not there), else the exception. */
    static Optional<LogtoResponse> found(LogtoResponse response, String operation) {
        return response.status() == 404 ? Optional.empty() : Optional.of(ok(response, operation));
    }

    /**
     * One DELETE of a sweep over items listed a moment ago: true if removed now, false on 404 (gone meanwhile, or
     * by an earlier attempt, which counts as done), else the exception.
     */
    static boolean removedNow(LogtoResponse response, String operation) {
        return found(response, operation).isPresent();
    }

    // ---- shared facts ----

    /** Whether Logto answered {@code status} with its error {@code code}. */
    static boolean refusedWith(LogtoResponse response, int status, String code) {
        return response.status() == status
                && response.errorCode().filter(code::equals).isPresent();
    }

    /** {@code answer} once the user is known to exist; {@code user_not_found} otherwise. */
    static Future<HandlerResult> unlessUserMissing(
            ExecutionContext ctx, ResolvedUser user, Supplier<HandlerResult> answer) {
        Future<Boolean> exists =
                user.verified() ? Future.succeededFuture(true) : ctx.users().exists(user.id());
        return exists.map(found -> found ? answer.get() : userNotFound(user.id()));
    }

    static HandlerResult userNotFound(String userId) {
        return HandlerResult.failed(userId, UserResolver.USER_NOT_FOUND, "no user with that id", 404);
    }

    static Map<String, String> alreadyApplied(Map<String, String> details) {
        Map<String, String> out = new HashMap<>(details);
        out.putAll(ALREADY_APPLIED);
        return Map.copyOf(out);
    }

    private static String code(LogtoResponse response) {
        return response.errorCode().orElse("http_" + response.status());
    }
}
