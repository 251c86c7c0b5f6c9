package dev.logtocp.processor.it;

import dev.logtocp.simulator.Mutation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a test may read from the Logto under test: its state, as its Management API shows it, and what the processor
 * sent to it. A {@link Mutation} is a change the request made: the simulator records the ones it applied; in front
 * of a real Logto the recording proxy records a write that changed what Logto shows (or, where Logto shows nothing,
 * a write answered 2xx), with the operation names the simulator uses. Answers are snapshots.
 */
public interface LogtoView {

    /** Every mutation so far, in order. */
    List<Mutation> mutations();

    List<Mutation> mutationsForUser(String userId);

    /** Mutations of one operation, e.g. {@code user.create}. */
    default long count(String operation) {
        return mutations().stream().filter(m -> m.operation().equals(operation)).count();
    }

    /** Requests the processor sent (API and token endpoint), including those answered with an injected fault. */
    long requestCount();

    Optional<JsonObject> user(String id);

    /** Exact username lookup. */
    Optional<JsonObject> findUserByUsername(String username);

    int userCount();

    Set<String> rolesOf(String userId);

    /** The user's sessions as {@code GET /api/users/{id}/sessions} lists them. */
    JsonArray sessionsOf(String userId);

    /** The user's grants as {@code GET /api/users/{id}/grants} lists them. */
    JsonArray grantsOf(String userId);

    JsonArray mfaVerificationsOf(String userId);

    /** Token names mapped to their expiry in epoch milliseconds (null: never). */
    Map<String, Long> personalAccessTokensOf(String userId);

    Optional<JsonObject> logtoConfigsOf(String userId);

    boolean passwordMatches(String userId, String candidate);

    Set<String> organizationsOf(String userId);

    Set<String> organizationRolesOf(String organizationId, String userId);

    /**
     * Whether the user's password is marked expired. A real Logto shows that only to a password sign-in while the
     * expiration policy is on, so it needs the user's password; the simulator ignores it.
     */
    boolean passwordExpired(String userId, String password);
}
