package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.Fixtures.byId;
import static dev.logtocp.processor.it.Fixtures.byUsername;
import static dev.logtocp.processor.it.Fixtures.run;
import static dev.logtocp.processor.it.ProcessorStack.meta;
import static dev.logtocp.processor.it.ProcessorStack.pastLedger;
import static dev.logtocp.processor.it.ProcessorStack.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.OrganizationMembershipAdd;
import dev.logtocp.commands.OrganizationMembershipRemove;
import dev.logtocp.commands.OrganizationMembershipsReplace;
import dev.logtocp.commands.OrganizationRoleAssign;
import dev.logtocp.commands.OrganizationRoleRevoke;
import dev.logtocp.commands.OrganizationRolesReplace;
import dev.logtocp.commands.PasswordExpirationSet;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.commands.UserDelete;
import dev.logtocp.contract.ApiClient;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The organization, password-expiration and profile commands through the whole processor against a REAL Logto
 * ({@code LOGTO_ENDPOINT}, {@code LOGTO_M2M_APP_ID}, {@code LOGTO_M2M_APP_SECRET}; skipped without them). The
 * simulator-backed ITs prove "applied once" from the simulator's mutation log; a real Logto keeps no such log, so
 * here each replay past the ledger is judged by its outcome and by the state Logto shows afterwards. Everything it
 * creates has a random name and is deleted at the end.
 */
@EnabledIfEnvironmentVariable(named = "LOGTO_ENDPOINT", matches = ".+")
class OrganizationCommandsRealLogtoIT {
    private static ProcessorStack stack;
    private static ApiClient logto;
    private static final List<String> CLEANUP = new ArrayList<>();
    private static String acme;
    private static String globex;
    private static String member;
    private static String admin;

    @BeforeAll
    static void start() {
        String endpoint = System.getenv("LOGTO_ENDPOINT");
        String resource = System.getenv().getOrDefault("LOGTO_RESOURCE", "https://default.logto.app/api");
        logto = new ApiClient(
                endpoint, System.getenv("LOGTO_M2M_APP_ID"), System.getenv("LOGTO_M2M_APP_SECRET"), resource);
        acme = created("/api/organizations", new JsonObject().put("name", unique("it-acme")));
        globex = created("/api/organizations", new JsonObject().put("name", unique("it-globex")));
        member = created("/api/organization-roles", new JsonObject().put("name", unique("it-member")));
        admin = created("/api/organization-roles", new JsonObject().put("name", unique("it-admin")));
        // With the variables set, the stack's Logto under test is this real Logto (through the recording proxy).
        stack = ProcessorStack.start(Map.of("LOGTO_REQUEST_TIMEOUT_MS", "10000", "MAX_IN_FLIGHT", "8"));
    }

    @AfterAll
    static void stop() {
        try {
            for (String path : CLEANUP) {
                logto.delete(path);
            }
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }

    private static String created(String path, JsonObject body) {
        ApiClient.Response answer = logto.post(path, body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        String id = answer.json().getString("id");
        CLEANUP.add(path + "/" + id);
        return id;
    }

    private static List<String> organizationsOf(String userId) {
        return logto.get("/api/users/" + userId + "/organizations").array().stream()
                .map(o -> ((JsonObject) o).getString("id"))
                .toList();
    }

    private static List<String> rolesOf(String organizationId, String userId) {
        ApiClient.Response answer = logto.get("/api/organizations/" + organizationId + "/users/" + userId + "/roles");
        return answer.status() != 200
                ? List.of()
                : answer.array().stream()
                        .map(o -> ((JsonObject) o).getString("id"))
                        .toList();
    }

    private static String createUser(String username) {
        CommandOutcome outcome = run(
                stack,
                username,
                UserCreate.newBuilder()
                        .setMeta(meta(unique("create")))
                        .setUsername(username)
                        .setProfileJson("{\"givenName\":\"Ada\",\"address\":{\"country\":\"GB\"}}")
                        .build());
        assertThat(outcome.getStatus()).as(outcome.toString()).isEqualTo(OutcomeStatus.SUCCEEDED);
        CLEANUP.add(0, "/api/users/" + outcome.getUserId());
        return outcome.getUserId();
    }

    private static void assertOutcome(CommandOutcome outcome, OutcomeStatus status, String code) {
        assertThat(outcome.getStatus()).as(outcome.toString()).isEqualTo(status);
        assertThat(outcome.getErrorCode()).as(outcome.toString()).isEqualTo(code);
    }

    @Test
    void membershipsAndOrganizationRolesOnARealLogto() {
        String username = unique("rl_org");
        String id = createUser(username);
        assertThat(logto.get("/api/users/" + id).json().getJsonObject("profile"))
                .isEqualTo(new JsonObject("{\"givenName\":\"Ada\",\"address\":{\"country\":\"GB\"}}"));

        String addKey = unique("add");
        OrganizationMembershipAdd add = OrganizationMembershipAdd.newBuilder()
                .setMeta(meta(addKey))
                .setUser(byUsername(username))
                .setOrganizationId(acme)
                .build();
        assertOutcome(run(stack, username, add), OutcomeStatus.SUCCEEDED, null);
        assertOutcome(
                run(
                        stack,
                        username,
                        OrganizationMembershipAdd.newBuilder(add)
                                .setMeta(pastLedger(addKey))
                                .build()),
                OutcomeStatus.SUCCEEDED,
                null);
        assertThat(organizationsOf(id)).containsExactly(acme);

        String assignKey = unique("assign");
        OrganizationRoleAssign assign = OrganizationRoleAssign.newBuilder()
                .setMeta(meta(assignKey))
                .setUser(byId(id))
                .setOrganizationId(acme)
                .setOrganizationRoleIds(List.of(member, admin))
                .build();
        assertOutcome(run(stack, username, assign), OutcomeStatus.SUCCEEDED, null);
        assertOutcome(
                run(
                        stack,
                        username,
                        OrganizationRoleAssign.newBuilder(assign)
                                .setMeta(pastLedger(assignKey))
                                .build()),
                OutcomeStatus.SUCCEEDED,
                null);
        assertThat(rolesOf(acme, id)).containsExactlyInAnyOrder(member, admin);

        String replaceKey = unique("replace");
        OrganizationRolesReplace replace = OrganizationRolesReplace.newBuilder()
                .setMeta(meta(replaceKey))
                .setUser(byId(id))
                .setOrganizationId(acme)
                .setOrganizationRoleIds(List.of(admin))
                .build();
        assertOutcome(run(stack, username, replace), OutcomeStatus.SUCCEEDED, null);
        assertOutcome(
                run(
                        stack,
                        username,
                        OrganizationRolesReplace.newBuilder(replace)
                                .setMeta(pastLedger(replaceKey))
                                .build()),
                OutcomeStatus.SUCCEEDED,
                null);
        assertThat(rolesOf(acme, id)).containsExactly(admin);
        assertOutcome(
                run(
                        stack,
                        username,
                        OrganizationRolesReplace.newBuilder(replace)
                                .setMeta(meta(unique("r")))
                                .setOrganizationRoleIds(List.of(member, "nosuchorole1"))
                                .build()),
                OutcomeStatus.FAILED,
                "organization_role_not_found");
        assertThat(rolesOf(acme, id)).containsExactly(admin);

        String revokeKey = unique("revoke");
        OrganizationRoleRevoke revoke = OrganizationRoleRevoke.newBuilder()
                .setMeta(meta(revokeKey))
                .setUser(byId(id))
                .setOrganizationId(acme)
                .setOrganizationRoleId(admin)
                .build();
        assertOutcome(run(stack, username, revoke), OutcomeStatus.SUCCEEDED, null);
        CommandOutcome revokeReplay = run(
                stack,
                username,
                OrganizationRoleRevoke.newBuilder(revoke)
                        .setMeta(pastLedger(revokeKey))
                        .build());
        assertOutcome(revokeReplay, OutcomeStatus.SUCCEEDED, null);
        assertThat(revokeReplay.getDetails()).containsEntry("alreadyApplied", "true");
        assertThat(rolesOf(acme, id)).isEmpty();

        String replaceAllKey = unique("memberships");
        OrganizationMembershipsReplace memberships = OrganizationMembershipsReplace.newBuilder()
                .setMeta(meta(replaceAllKey))
                .setUser(byId(id))
                .setOrganizationIds(List.of(globex))
                .build();
        CommandOutcome moved = run(stack, username, memberships);
        assertOutcome(moved, OutcomeStatus.SUCCEEDED, null);
        assertThat(moved.getDetails()).containsEntry("added", globex).containsEntry("removed", acme);
        CommandOutcome movedReplay = run(
                stack,
                username,
                OrganizationMembershipsReplace.newBuilder(memberships)
                        .setMeta(pastLedger(replaceAllKey))
                        .build());
        assertThat(movedReplay.getDetails()).containsEntry("added", "").containsEntry("removed", "");
        assertThat(organizationsOf(id)).containsExactly(globex);
        assertOutcome(
                run(
                        stack,
                        username,
                        OrganizationMembershipsReplace.newBuilder(memberships)
                                .setMeta(meta(unique("m")))
                                .setOrganizationIds(List.of(acme, "nosuchorg123"))
                                .build()),
                OutcomeStatus.FAILED,
                "organization_not_found");
        assertThat(organizationsOf(id)).containsExactly(globex);

        assertOutcome(
                run(
                        stack,
                        username,
                        OrganizationRoleAssign.newBuilder(assign)
                                .setMeta(meta(unique("a")))
                                .setOrganizationId(acme)
                                .build()),
                OutcomeStatus.FAILED,
                "organization.require_membership");
        assertOutcome(
                run(
                        stack,
                        username,
                        OrganizationMembershipAdd.newBuilder(add)
                                .setMeta(meta(unique("a")))
                                .setOrganizationId("nosuchorg123")
                                .build()),
                OutcomeStatus.FAILED,
                "organization_not_found");

        String removeKey = unique("remove");
        OrganizationMembershipRemove remove = OrganizationMembershipRemove.newBuilder()
                .setMeta(meta(removeKey))
                .setUser(byId(id))
                .setOrganizationId(globex)
                .build();
        assertOutcome(run(stack, username, remove), OutcomeStatus.SUCCEEDED, null);
        CommandOutcome removeReplay = run(
                stack,
                username,
                OrganizationMembershipRemove.newBuilder(remove)
                        .setMeta(pastLedger(removeKey))
                        .build());
        assertOutcome(removeReplay, OutcomeStatus.SUCCEEDED, null);
        assertThat(removeReplay.getDetails()).containsEntry("alreadyApplied", "true");
        assertThat(organizationsOf(id)).isEmpty();
    }

    @Test
    void passwordExpirationAndAUserDeletedWhileAMemberOnARealLogto() {
        String username = unique("rl_pe");
        String id = createUser(username);
        PasswordExpirationSet clear = PasswordExpirationSet.newBuilder()
                .setMeta(meta(unique("pe")))
                .setUser(byId(id))
                .setIsExpired(false)
                .build();
        assertOutcome(run(stack, username, clear), OutcomeStatus.SUCCEEDED, null);
        // Password expiration is off on a stock Logto (turning it on needs a forgot-password connector).
        CommandOutcome expire = run(
                stack,
                username,
                PasswordExpirationSet.newBuilder(clear)
                        .setMeta(meta(unique("pe")))
                        .setIsExpired(true)
                        .build());
        assertOutcome(expire, OutcomeStatus.FAILED, "sign_in_experiences.password_expiration_not_enabled");
        assertThat(expire.getHttpStatus()).isEqualTo(400);

        assertOutcome(
                run(
                        stack,
                        username,
                        OrganizationMembershipAdd.newBuilder()
                                .setMeta(meta(unique("add")))
                                .setUser(byId(id))
                                .setOrganizationId(acme)
                                .build()),
                OutcomeStatus.SUCCEEDED,
                null);
        assertOutcome(
                run(
                        stack,
                        username,
                        UserDelete.newBuilder()
                                .setMeta(meta(unique("del")))
                                .setUser(byId(id))
                                .build()),
                OutcomeStatus.SUCCEEDED,
                null);
        assertThat(logto.get("/api/organizations/" + acme + "/users").array().stream()
                        .map(o -> ((JsonObject) o).getString("id")))
                .doesNotContain(id);
        assertOutcome(
                run(
                        stack,
                        username,
                        OrganizationMembershipAdd.newBuilder()
                                .setMeta(meta(unique("add")))
                                .setUser(byId(id))
                                .setOrganizationId(acme)
                                .build()),
                OutcomeStatus.FAILED,
                "user_not_found");
        assertOutcome(
                run(
                        stack,
                        username,
                        OrganizationRoleRevoke.newBuilder()
                                .setMeta(meta(unique("rv")))
                                .setUser(byId(id))
                                .setOrganizationId(acme)
                                .setOrganizationRoleId(member)
                                .build()),
                OutcomeStatus.FAILED,
                "user_not_found");
        assertOutcome(
                run(
                        stack,
                        username,
                        OrganizationMembershipRemove.newBuilder()
                                .setMeta(meta(unique("rm")))
                                .setUser(byId(id))
                                .setOrganizationId(acme)
                                .build()),
                OutcomeStatus.FAILED,
                "user_not_found");
        assertOutcome(
                run(
                        stack,
                        username,
                        PasswordExpirationSet.newBuilder(clear)
                                .setMeta(meta(unique("pe")))
                                .build()),
                OutcomeStatus.FAILED,
                "user_not_found");
    }
}
