package dev.logtocp.processor.command;

import dev.logtocp.commands.UserRef;
import dev.logtocp.processor.idempotency.ReferenceMap;
import dev.logtocp.processor.logto.LogtoCalls;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a {@link UserRef} into a Logto user id. Username and email references are looked up with exact,
 * case-sensitive matching; an id is taken as given (the write that follows proves it, see
 * {@link ResolvedUser#verified()}); an externalId is looked up in the processor's own durable map, filled by
 * successful UserCreate commands, because Logto cannot search customData. A reference that matches nobody fails with {@code user_not_found} before any
 * write call.
 *
 * <p>Called on the event loop; never blocks.
 */
public final class UserResolver {
    public static final String USER_NOT_FOUND = "user_not_found";

    private final LogtoCalls logto;
    private final ReferenceMap references;
    private final int partition;

    /**
     * @param references externalId mappings of the partitions this instance owns
     * @param partition  the command's partition: its externalIds live in the same partition of the references topic
     */
    public UserResolver(LogtoCalls logto, ReferenceMap references, int partition) {
        this.logto = logto;
        this.references = references;
        this.partition = partition;
    }

    /** The Logto id an externalId is mapped to, if any. */
    public Optional<String> mappedExternalId(String externalId) {
        return references.lookup(partition, externalId);
    }

    public Future<ResolvedUser> resolve(UserRef ref) {
        return switch (ref.getKind()) {
            case ID -> Future.succeededFuture(new ResolvedUser(ref.getValue(), false));
            case USERNAME -> search("username", ref);
            case PRIMARY_EMAIL -> search("primaryEmail", ref);
            case EXTERNAL_ID ->
                references
                        .lookup(partition, ref.getValue())
                        .map(id -> Future.succeededFuture(new ResolvedUser(id, false)))
                        .orElseGet(() -> Future.failedFuture(
                                new CommandFailure(USER_NOT_FOUND, "no user with that externalId", null)));
        };
    }

    /** Confirms that a user id exists, for operations whose 404 cannot tell "gone" from "never existed". */
    public Future<Boolean> exists(String userId) {
        return logto.get("user.get", "/api/users/" + PathSegments.encode(userId), Map.of())
                .map(response -> LogtoAnswers.found(response, "user.get").isPresent());
    }

    private Future<ResolvedUser> search(String field, UserRef ref) {
        Map<String, String> query = Map.of(
                "search." + field,
                ref.getValue(),
                "mode." + field,
                "exact",
                "isCaseSensitive",
                "true",
                "page_size",
                "2");
        return logto.get("user.search", "/api/users", query).map(response -> {
            JsonArray users = LogtoAnswers.ok(response, "user.search").jsonArray();
            if (users.isEmpty()) {
                throw new CommandFailure(USER_NOT_FOUND, "no user with that " + field, null);
            }
            if (users.size() > 1) {
                throw new CommandFailure("user_ref_ambiguous", "more than one user with that " + field, null);
            }
            return new ResolvedUser(users.getJsonObject(0).getString("id"), true);
        });
    }

    /**
     * @param verified true when Logto confirmed the user exists during resolution
     */
    public record ResolvedUser(String id, boolean verified) {
        public String path() {
            return "/api/users/" + PathSegments.encode(id);
        }
    }
}
