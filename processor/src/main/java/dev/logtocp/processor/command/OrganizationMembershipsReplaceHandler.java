package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.OrganizationMembershipsReplace;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.processor.command.UserResolver.ResolvedUser;
import dev.logtocp.processor.logto.LogtoResponse;
import dev.logtocp.processor.security.OrganizationAccess;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Composite: the user ends a member of exactly the given organizations. Logto has no such call for one user
 * ({@code PUT /api/organizations/{id}/users} replaces an organization's members, not a user's organizations), so
 * the handler lists the user's organizations ({@code GET /api/users/{id}/organizations}, which also proves the user
 * exists), checks that every organization to join exists ({@code GET /api/organizations/{id}}) before changing
 * anything, then adds the missing memberships and removes the extra ones, one call each. Naturally idempotent:
 * every step is computed from the state Logto shows now, so a retry after a half-way failure does only what is
 * left and a replay finds nothing to do. Leaving an organization drops the user's roles there.
 */
public final class OrganizationMembershipsReplaceHandler implements CommandHandler<OrganizationMembershipsReplace> {

    @Override
    public Class<OrganizationMembershipsReplace> commandType() {
        return OrganizationMembershipsReplace.class;
    }

    @Override
    public String action() {
        return "user.organizations.replace";
    }

    @Override
    public CommandMeta meta(OrganizationMembershipsReplace command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(OrganizationMembershipsReplace command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(OrganizationMembershipsReplace c) {
        return OrganizationCalls.ids(
                        Validation.of(c.getMeta()).userRef("user", c.getUser()),
                        "organizationIds",
                        c.getOrganizationIds(),
                        0)
                .errors();
    }

    @Override
    public List<String> changedFields(OrganizationMembershipsReplace command) {
        return List.of("organizations", "organizationRoles");
    }

    @Override
    public Future<HandlerResult> execute(OrganizationMembershipsReplace c, ExecutionContext ctx) {
        List<String> wanted = List.copyOf(new LinkedHashSet<>(c.getOrganizationIds()));
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> ctx.logto()
                        .get("user.organizations.list", user.path() + "/organizations", Map.of())
                        .compose(answer -> {
                            Optional<LogtoResponse> listed = LogtoAnswers.found(answer, "user.organizations.list");
                            if (listed.isEmpty()) {
                                return Future.succeededFuture(LogtoAnswers.userNotFound(user.id()));
                            }
                            Set<String> current = new LinkedHashSet<>();
                            JsonArray organizations = listed.get().jsonArray();
                            for (int i = 0; i < organizations.size(); i++) {
                                JsonObject organization = organizations.getJsonObject(i);
                                current.add(organization.getString("id"));
                            }
                            List<String> toAdd = wanted.stream()
                                    .filter(id -> !current.contains(id))
                                    .toList();
                            List<String> toRemove = current.stream()
                                    .filter(id -> !wanted.contains(id))
                                    .toList();
                            Map<String, String> details = Map.of(
                                    "organizationIds",
                                    OrganizationCalls.join(wanted),
                                    "added",
                                    OrganizationCalls.join(toAdd),
                                    "removed",
                                    OrganizationCalls.join(toRemove));
                            // The list answered 200, so the user exists: later 404s and 422s are about organizations.
                            ResolvedUser known = new ResolvedUser(user.id(), true);
                            return allExist(ctx, known, toAdd)
                                    .compose(missing -> missing != null
                                            ? Future.succeededFuture(missing)
                                            : apply(ctx, known, toAdd, toRemove, details));
                        }));
    }

    /** Null when every organization exists; else the FAILED result naming none of the user's data. */
    private Future<HandlerResult> allExist(ExecutionContext ctx, ResolvedUser user, List<String> organizationIds) {
        List<Supplier<Future<HandlerResult>>> checks = new ArrayList<>();
        for (String organizationId : organizationIds) {
            checks.add(() -> ctx.logto()
                    .get("organization.get", OrganizationCalls.organizationPath(organizationId), Map.of())
                    .map(response ->
                            LogtoAnswers.found(response, "organization.get").isPresent()
                                    ? null
                                    : HandlerResult.failed(
                                            user.id(),
                                            OrganizationCalls.ORGANIZATION_NOT_FOUND,
                                            "no organization with id " + organizationId,
                                            404)));
        }
        return firstFailure(checks);
    }

    private Future<HandlerResult> apply(
            ExecutionContext ctx,
            ResolvedUser user,
            List<String> toAdd,
            List<String> toRemove,
            Map<String, String> details) {
        List<Supplier<Future<HandlerResult>>> steps = new ArrayList<>();
        for (String organizationId : toAdd) {
            steps.add(() -> OrganizationCalls.addMember(
                            ctx,
                            user,
                            organizationId,
                            "user.organization.add",
                            ctx.idempotencyKey() + ":add:" + organizationId,
                            Map.of())
                    .map(OrganizationMembershipsReplaceHandler::failureOnly));
        }
        for (String organizationId : toRemove) {
            steps.add(() -> OrganizationCalls.removeMember(
                            ctx,
                            user,
                            organizationId,
                            "user.organization.remove",
                            ctx.idempotencyKey() + ":remove:" + organizationId,
                            Map.of())
                    .map(OrganizationMembershipsReplaceHandler::failureOnly));
        }
        return firstFailure(steps).map(failed -> failed != null ? failed : HandlerResult.succeeded(user.id(), details));
    }

    private static HandlerResult failureOnly(HandlerResult result) {
        return result.status() == OutcomeStatus.SUCCEEDED ? null : result;
    }

    /** Runs the steps one after another and stops at the first non-null result, which it returns (null if none). */
    private static Future<HandlerResult> firstFailure(List<Supplier<Future<HandlerResult>>> steps) {
        Future<HandlerResult> chain = Future.succeededFuture(null);
        for (Supplier<Future<HandlerResult>> step : steps) {
            chain = chain.compose(failed -> failed != null ? Future.succeededFuture(failed) : step.get());
        }
        return chain;
    }

    @Override
    public Optional<OrganizationAccess> organizationAccess(OrganizationMembershipsReplace c) {
        // It removes the user from every organization it does not name, and with them the roles held there.
        List<String> ids = c.getOrganizationIds() == null ? List.of() : c.getOrganizationIds();
        return Optional.of(new OrganizationAccess(ids, List.of(), List.of(), true, true));
    }
}
