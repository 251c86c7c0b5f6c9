package dev.logtocp.processor.chaos;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.RoleAssign;
import dev.logtocp.commands.SessionRevoke;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * The commands of the chaos run and what each must do to Logto, so that the verification can compare the
 * simulator's mutation log with what was asked for, user by user.
 *
 * <p>Every user gets ten commands, keyed by username (one partition, one order):
 * <ol>
 *   <li>phase A, sent as soon as the user's group comes up: {@code UserCreate}, {@code RoleAssign} r0, a
 *       {@code SessionRevoke} of a session id that never existed (ends SUCCEEDED as already gone and leaves no
 *       mutation; it ends FAILED {@code user_not_found} if it ever overtook the create), {@code RoleAssign} r1;</li>
 *   <li>phase B, sent once the user exists in the simulator and three real sessions were seeded for it:
 *       {@code RoleAssign} r2, revoke s1, {@code RoleAssign} r3, revoke s2, revoke s3, and {@code RoleAssign} r0
 *       again (a no-op re-add, which the simulator does not record).</li>
 * </ol>
 * So eight of the ten commands leave exactly one mutation each, in command order; the other two leave none. Every
 * command should end SUCCEEDED. Role assignments use {@code USERNAME} references so they also prove the user was
 * created before them.
 *
 * <p>Not thread-safe: built and used by the test thread.
 */
final class ChaosWorkload {
    static final String ISSUER = "chaos-suite";
    static final int COMMANDS_PER_USER = 10;

    /** One planned command. {@code mutation} is the operation it must leave in the simulator's log, or null. */
    record Planned(String commandId, String username, int index, String idempotencyKey, String mutation) {
        /** The {@code Idempotency-Key} header the processor sends: scoped by issuer. */
        String headerKey() {
            return ISSUER + ":" + idempotencyKey;
        }
    }

    private final String runId;
    private final List<String> roleIds;
    private final List<String> usernames = new ArrayList<>();
    private final Map<String, Planned> byCommandId = new HashMap<>();
    private final Map<String, List<Planned>> byUser = new HashMap<>();

    ChaosWorkload(String runId, int users, List<String> roleIds) {
        if (roleIds.size() < 4) {
            throw new IllegalArgumentException("the workload needs four roles");
        }
        this.runId = runId;
        this.roleIds = List.copyOf(roleIds);
        for (int i = 0; i < users; i++) {
            usernames.add("chaos_" + runId + "_u" + i);
        }
    }

    List<String> usernames() {
        return usernames;
    }

    /** Users {@code [from, to)} as a group that moves through the phases together. */
    List<String> group(int from, int to) {
        return usernames.subList(from, Math.min(to, usernames.size()));
    }

    /** Phase A of one user: everything that needs no session in the simulator. */
    List<SpecificRecord> phaseA(String username) {
        List<SpecificRecord> out = new ArrayList<>();
        out.add(UserCreate.newBuilder()
                .setMeta(meta(username, 0, "user.create"))
                .setUsername(username)
                .setName("Chaos " + username)
                .build());
        out.add(assign(username, 1, roleIds.get(0), "user.roles.add"));
        out.add(revoke(username, 2, "never-existed-" + username, null));
        out.add(assign(username, 3, roleIds.get(1), "user.roles.add"));
        return out;
    }

    /** Phase B of one user, given three sessions seeded for it in the simulator. */
    List<SpecificRecord> phaseB(String username, List<String> sessions) {
        List<SpecificRecord> out = new ArrayList<>();
        out.add(assign(username, 4, roleIds.get(2), "user.roles.add"));
        out.add(revoke(username, 5, sessions.get(0), "user.session.revoke"));
        out.add(assign(username, 6, roleIds.get(3), "user.roles.add"));
        out.add(revoke(username, 7, sessions.get(1), "user.session.revoke"));
        out.add(revoke(username, 8, sessions.get(2), "user.session.revoke"));
        // r0 is already there: Logto answers 201 with nothing added and the simulator records nothing.
        out.add(assign(username, 9, roleIds.get(0), null));
        return out;
    }

    Map<String, Planned> byCommandId() {
        return byCommandId;
    }

    /** The user's planned commands in the order they were produced. */
    List<Planned> planOf(String username) {
        return byUser.getOrDefault(username, List.of());
    }

    private RoleAssign assign(String username, int index, String roleId, String mutation) {
        return RoleAssign.newBuilder()
                .setMeta(meta(username, index, mutation))
                .setUser(new UserRef(UserRefKind.USERNAME, username))
                .setRoleIds(List.of(roleId))
                .build();
    }

    private SessionRevoke revoke(String username, int index, String sessionId, String mutation) {
        return SessionRevoke.newBuilder()
                .setMeta(meta(username, index, mutation))
                .setUser(new UserRef(UserRefKind.USERNAME, username))
                .setSessionId(sessionId)
                .build();
    }

    private CommandMeta meta(String username, int index, String mutation) {
        String commandId = UUID.randomUUID().toString();
        String key = username + "-c" + index;
        Planned planned = new Planned(commandId, username, index, key, mutation);
        byCommandId.put(commandId, planned);
        byUser.computeIfAbsent(username, u -> new ArrayList<>()).add(planned);
        return CommandMeta.newBuilder()
                .setCommandId(commandId)
                .setIdempotencyKey(key)
                .setIssuer(ISSUER)
                .setIssuedAt(Instant.now())
                .setCorrelationId(runId)
                .build();
    }
}
