package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.Fixtures.applied;
import static dev.logtocp.processor.it.Fixtures.assertAlreadyApplied;
import static dev.logtocp.processor.it.Fixtures.assertFailed;
import static dev.logtocp.processor.it.Fixtures.byId;
import static dev.logtocp.processor.it.Fixtures.createUser;
import static dev.logtocp.processor.it.Fixtures.run;
import static dev.logtocp.processor.it.ProcessorStack.meta;
import static dev.logtocp.processor.it.ProcessorStack.pastLedger;
import static dev.logtocp.processor.it.ProcessorStack.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.MfaFactor;
import dev.logtocp.commands.MfaVerificationCreate;
import dev.logtocp.commands.MfaVerificationDelete;
import dev.logtocp.commands.PersonalAccessTokenCreate;
import dev.logtocp.commands.PersonalAccessTokenDelete;
import dev.logtocp.commands.PersonalAccessTokenUpdate;
import dev.logtocp.contract.ApiClient;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.simulator.FaultRule;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MFA verification and personal access token commands end to end. */
class MfaAndTokenCommandsIT {
    private static final String TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP";
    private static final List<String> TEN_CODES = List.of(
            "a1b2c3d4e5",
            "f6a7b8c9d0",
            "0123456789",
            "abcdef0123",
            "456789abcd",
            "ef01234567",
            "89abcdef01",
            "23456789ab",
            "cdef012345",
            "6789abcdef");
    private static ProcessorStack stack;

    @BeforeAll
    static void start() {
        stack = ProcessorStack.start();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static List<String> mfaTypes(String id) {
        return stack.logto.state().mfaVerificationsOf(id).stream()
                .map(v -> ((JsonObject) v).getString("type"))
                .toList();
    }

    // ---- MFA -----------------------------------------------------------------------------------------------------

    @Test
    void totpCreateEnrolsTheUserAndAReplaySucceedsWithoutASecondPost() {
        String username = unique("totp");
        String id = createUser(stack, username);
        String key = unique("totp");
        MfaVerificationCreate command = MfaVerificationCreate.newBuilder()
                .setMeta(meta(key))
                .setUser(byId(id))
                .setType(MfaFactor.TOTP)
                .setTotpSecret(TOTP_SECRET)
                .build();

        CommandOutcome first = run(stack, username, command);
        // A replay is the same record read again (offsets moved back, or a crash before commit): same issuedAt.
        CommandOutcome replay = run(
                stack,
                username,
                MfaVerificationCreate.newBuilder(command)
                        .setMeta(CommandMeta.newBuilder(command.getMeta())
                                .setCommandId(UUID.randomUUID().toString())
                                .setForce(true)
                                .build())
                        .build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(first.getDetails()).containsEntry("type", "Totp").doesNotContainKey("alreadyApplied");
        assertThat(mfaTypes(id)).containsExactly("Totp");
        assertAlreadyApplied(replay, id);
        assertThat(applied(stack, id, "user.mfa.create")).isEqualTo(1);
    }

    @Test
    void backupCodesAreCreatedNextToAnotherFactor() {
        String username = unique("bc");
        String id = createUser(stack, username);
        // Logto refuses backup codes as a user's only factor, and takes exactly ten codes of ten hex digits.
        stack.logto.createMfaVerification(id, "Totp");

        CommandOutcome outcome = run(
                stack,
                username,
                MfaVerificationCreate.newBuilder()
                        .setMeta(meta(unique("bc")))
                        .setUser(byId(id))
                        .setType(MfaFactor.BACKUP_CODE)
                        .setBackupCodes(TEN_CODES)
                        .build());

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(mfaTypes(id)).containsExactly("Totp", "BackupCode");
    }

    @Test
    void backupCodesAsTheOnlyFactorFailWithLogtosCode() {
        String username = unique("bc1");
        String id = createUser(stack, username);

        assertFailed(
                run(
                        stack,
                        username,
                        MfaVerificationCreate.newBuilder()
                                .setMeta(meta(unique("bc")))
                                .setUser(byId(id))
                                .setType(MfaFactor.BACKUP_CODE)
                                .setBackupCodes(TEN_CODES)
                                .build()),
                "session.mfa.backup_code_can_not_be_alone",
                422);
        assertThat(mfaTypes(id)).isEmpty();
    }

    @Test
    void aTotpForAUserWhoAlreadyHadOneFailsWithLogtosCode() throws InterruptedException {
        String username = unique("totp2");
        String id = createUser(stack, username);
        stack.logto.createMfaVerification(id, "Totp");
        Thread.sleep(5); // the existing TOTP must be older than the command

        CommandOutcome outcome = run(
                stack,
                username,
                MfaVerificationCreate.newBuilder()
                        .setMeta(meta(unique("totp")))
                        .setUser(byId(id))
                        .setType(MfaFactor.TOTP)
                        .setTotpSecret(TOTP_SECRET)
                        .build());

        assertFailed(outcome, "user.totp_already_in_use", 422);
        assertThat(mfaTypes(id)).containsExactly("Totp");
    }

    @Test
    void mfaDeleteRemovesTheVerificationAndAReplaySucceedsAsAlreadyApplied() {
        String username = unique("mfad");
        String id = createUser(stack, username);
        String verification = stack.logto.createMfaVerification(id, "Totp");
        String key = unique("mfad");

        CommandOutcome first = run(
                stack,
                username,
                MfaVerificationDelete.newBuilder()
                        .setMeta(meta(key))
                        .setUser(byId(id))
                        .setVerificationId(verification)
                        .build());
        CommandOutcome replay = run(
                stack,
                username,
                MfaVerificationDelete.newBuilder()
                        .setMeta(pastLedger(key))
                        .setUser(byId(id))
                        .setVerificationId(verification)
                        .build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(mfaTypes(id)).isEmpty();
        assertAlreadyApplied(replay, id);
        assertThat(applied(stack, id, "user.mfa.delete")).isEqualTo(1);
    }

    // ---- personal access tokens ----------------------------------------------------------------------------------

    @Test
    void patCreateCreatesTheTokenReportsOnlyNonSecretFactsAndAReplaySucceedsAsAlreadyApplied() {
        String username = unique("pat");
        String id = createUser(stack, username);
        Instant expiresAt = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
        String key = unique("pat");
        PersonalAccessTokenCreate command = PersonalAccessTokenCreate.newBuilder()
                .setMeta(meta(key))
                .setUser(byId(id))
                .setName("ci")
                .setExpiresAt(expiresAt)
                .build();

        CommandOutcome first = run(stack, username, command);
        CommandOutcome replay = run(
                stack,
                username,
                PersonalAccessTokenCreate.newBuilder(command)
                        .setMeta(pastLedger(key))
                        .build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(first.getDetails())
                .containsOnlyKeys("name", "expiresAt")
                .containsEntry("name", "ci")
                .containsEntry("expiresAt", expiresAt.toString());
        assertThat(stack.logto.state().personalAccessTokensOf(id)).containsEntry("ci", expiresAt.toEpochMilli());
        assertAlreadyApplied(replay, id);
        assertThat(applied(stack, id, "user.pat.create")).isEqualTo(1);
    }

    @Test
    void aTokenNameTakenByAnotherTokenFailsWithLogtosCode() {
        String username = unique("patx");
        String id = createUser(stack, username);
        run(
                stack,
                username,
                PersonalAccessTokenCreate.newBuilder()
                        .setMeta(meta(unique("pat")))
                        .setUser(byId(id))
                        .setName("ci")
                        .build());

        CommandOutcome outcome = run(
                stack,
                username,
                PersonalAccessTokenCreate.newBuilder()
                        .setMeta(meta(unique("pat")))
                        .setUser(byId(id))
                        .setName("ci")
                        .setExpiresAt(Instant.now().plus(1, ChronoUnit.DAYS))
                        .build());

        assertFailed(outcome, "user.personal_access_token_name_exists", 422);
        assertThat(applied(stack, id, "user.pat.create")).isEqualTo(1);
    }

    @Test
    void patUpdateRenamesTheTokenAndAReplaySucceedsAsAlreadyApplied() {
        String username = unique("patu");
        String id = createUser(stack, username);
        run(
                stack,
                username,
                PersonalAccessTokenCreate.newBuilder()
                        .setMeta(meta(unique("pat")))
                        .setUser(byId(id))
                        .setName("old")
                        .build());
        String key = unique("patu");
        PersonalAccessTokenUpdate command = PersonalAccessTokenUpdate.newBuilder()
                .setMeta(meta(key))
                .setUser(byId(id))
                .setCurrentName("old")
                .setNewName("new")
                .build();

        CommandOutcome first = run(stack, username, command);
        CommandOutcome replay = run(
                stack,
                username,
                PersonalAccessTokenUpdate.newBuilder(command)
                        .setMeta(pastLedger(key))
                        .build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().personalAccessTokensOf(id)).containsOnlyKeys("new");
        assertAlreadyApplied(replay, id);
        assertThat(applied(stack, id, "user.pat.update")).isEqualTo(1);
    }

    @Test
    void renamingToATakenNameOrAnUnknownTokenFailsWithLogtosCode() {
        String username = unique("patf");
        String id = createUser(stack, username);
        run(
                stack,
                username,
                PersonalAccessTokenCreate.newBuilder()
                        .setMeta(meta(unique("pat")))
                        .setUser(byId(id))
                        .setName("a")
                        .build());
        run(
                stack,
                username,
                PersonalAccessTokenCreate.newBuilder()
                        .setMeta(meta(unique("pat")))
                        .setUser(byId(id))
                        .setName("b")
                        .build());

        assertFailed(
                run(
                        stack,
                        username,
                        PersonalAccessTokenUpdate.newBuilder()
                                .setMeta(meta(unique("patu")))
                                .setUser(byId(id))
                                .setCurrentName("a")
                                .setNewName("b")
                                .build()),
                "user.personal_access_token_name_exists",
                422);
        assertFailed(
                run(
                        stack,
                        username,
                        PersonalAccessTokenUpdate.newBuilder()
                                .setMeta(meta(unique("patu")))
                                .setUser(byId(id))
                                .setCurrentName("nosuch")
                                .setNewName("c")
                                .build()),
                "entity.not_exists",
                404);
        assertFailed(
                run(
                        stack,
                        "ghost",
                        PersonalAccessTokenUpdate.newBuilder()
                                .setMeta(meta(unique("patu")))
                                .setUser(byId("nosuchuser12"))
                                .setCurrentName("a")
                                .setNewName("c")
                                .build()),
                "user_not_found",
                404);
    }

    @Test
    void patDeleteRemovesTheTokenAndAReplaySucceedsAsAlreadyApplied() {
        String username = unique("patd");
        String id = createUser(stack, username);
        run(
                stack,
                username,
                PersonalAccessTokenCreate.newBuilder()
                        .setMeta(meta(unique("pat")))
                        .setUser(byId(id))
                        .setName("ci")
                        .build());
        String key = unique("patd");

        CommandOutcome first = run(
                stack,
                username,
                PersonalAccessTokenDelete.newBuilder()
                        .setMeta(meta(key))
                        .setUser(byId(id))
                        .setName("ci")
                        .build());
        CommandOutcome replay = run(
                stack,
                username,
                PersonalAccessTokenDelete.newBuilder()
                        .setMeta(pastLedger(key))
                        .setUser(byId(id))
                        .setName("ci")
                        .build());

        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().personalAccessTokensOf(id)).isEmpty();
        assertAlreadyApplied(replay, id);
        assertThat(applied(stack, id, "user.pat.delete")).isEqualTo(1);
    }

    @Test
    void tokensAreRenamedAndDeletedByNameInTheBodyWhateverCharactersTheNameHas() {
        String username = unique("patn");
        String id = createUser(stack, username);
        // The deprecated forms carry the name in the path; if the processor used them, these requests would fail.
        FaultRule legacyPatch = FaultRule.error500(1.0)
                .onPath("^/api/users/[^/]+/personal-access-tokens/.")
                .onMethod("PATCH");
        FaultRule legacyDelete = FaultRule.error500(1.0)
                .onPath("^/api/users/[^/]+/personal-access-tokens/.")
                .onMethod("DELETE");
        stack.logto.faults().add(legacyPatch).add(legacyDelete);
        try {
            String odd = "ci/deploy 100% #1?";
            run(
                    stack,
                    username,
                    PersonalAccessTokenCreate.newBuilder()
                            .setMeta(meta(unique("pat")))
                            .setUser(byId(id))
                            .setName(odd)
                            .build());

            CommandOutcome renamed = run(
                    stack,
                    username,
                    PersonalAccessTokenUpdate.newBuilder()
                            .setMeta(meta(unique("patu")))
                            .setUser(byId(id))
                            .setCurrentName(odd)
                            .setNewName("release/v2 50%")
                            .build());
            assertThat(renamed.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
            assertThat(stack.logto.state().personalAccessTokensOf(id)).containsOnlyKeys("release/v2 50%");

            CommandOutcome deleted = run(
                    stack,
                    username,
                    PersonalAccessTokenDelete.newBuilder()
                            .setMeta(meta(unique("patd")))
                            .setUser(byId(id))
                            .setName("release/v2 50%")
                            .build());
            assertThat(deleted.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
            assertThat(stack.logto.state().personalAccessTokensOf(id)).isEmpty();

            // Negative control: the rules do refuse the path forms.
            ApiClient api = new ApiClient(
                    stack.logto.endpoint(), stack.logto.appId(), stack.logto.appSecret(), stack.logto.resource());
            assertThat(api.delete("/api/users/" + id + "/personal-access-tokens/anything")
                            .status())
                    .isEqualTo(500);
        } finally {
            stack.logto.faults().clear();
        }
    }
}
