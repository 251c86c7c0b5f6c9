package dev.logtocp.ops.stack;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.RevokeGrantsTarget;
import dev.logtocp.commands.RoleAssign;
import dev.logtocp.commands.SessionRevoke;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * The demo's commands for {@code users} users of one run: create each user, then assign a role and revoke a
 * session by username, keyed by username so each user's commands stay in order. Plus one command Logto refuses
 * (a username already taken) and one the processor rejects (an invalid username), to show those outcomes too.
 */
final class DemoBatch {
    static final String ISSUER = "local-demo";

    record Entry(String key, SpecificRecord command) {}

    private DemoBatch() {}

    static List<Entry> creates(String runId, int users) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            String username = username(runId, i);
            out.add(new Entry(
                    username,
                    UserCreate.newBuilder()
                            .setMeta(meta("create-" + username))
                            .setUsername(username)
                            .setPrimaryEmail(username + "@demo.example")
                            .setName("Demo User " + i)
                            .build()));
        }
        // Logto answers 422 user.username_already_in_use: FAILED with Logto's code.
        String taken = username(runId, 0);
        out.add(new Entry(
                taken,
                UserCreate.newBuilder()
                        .setMeta(meta("create-again-" + taken))
                        .setUsername(taken)
                        .build()));
        // Fails validation before any Logto call: REJECTED with field errors.
        out.add(new Entry(
                "invalid",
                UserCreate.newBuilder()
                        .setMeta(meta("create-invalid-" + runId))
                        .setUsername("1-not valid")
                        .build()));
        return out;
    }

    static List<Entry> followUps(String runId, int users, String roleId, Function<String, String> sessionFor) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            String username = username(runId, i);
            UserRef ref = new UserRef(UserRefKind.USERNAME, username);
            out.add(new Entry(
                    username,
                    RoleAssign.newBuilder()
                            .setMeta(meta("role-" + username))
                            .setUser(ref)
                            .setRoleIds(List.of(roleId))
                            .build()));
            out.add(new Entry(
                    username,
                    SessionRevoke.newBuilder()
                            .setMeta(meta("session-" + username))
                            .setUser(ref)
                            .setSessionId(sessionFor.apply(username))
                            .setRevokeGrantsTarget(RevokeGrantsTarget.ALL)
                            .build()));
        }
        return out;
    }

    static String username(String runId, int i) {
        return "demo_" + runId + "_" + i;
    }

    private static CommandMeta meta(String idempotencyKey) {
        return CommandMeta.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setIdempotencyKey(idempotencyKey)
                .setIssuer(ISSUER)
                .setIssuedAt(Instant.now())
                .setCorrelationId("demo")
                .build();
    }
}
