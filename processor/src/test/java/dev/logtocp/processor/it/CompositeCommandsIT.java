package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.ProcessorStack.meta;
import static dev.logtocp.processor.it.ProcessorStack.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.MfaReset;
import dev.logtocp.commands.PasswordChange;
import dev.logtocp.commands.PasswordReset;
import dev.logtocp.commands.RevokeGrantsTarget;
import dev.logtocp.commands.SessionRevokeAll;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.simulator.FaultRule;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.MGF1ParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The composite administrator operations: several Logto calls, each step idempotent, the outcome listing the steps. */
class CompositeCommandsIT {
    private static ProcessorStack stack;
    private static KeyPair issuerKeys;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        issuerKeys = generator.generateKeyPair();
        Path dir = Files.createTempDirectory("reset-keys");
        Files.writeString(
                dir.resolve("it-suite.pem"),
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(issuerKeys.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        stack = ProcessorStack.start(Map.of(
                "PASSWORD_RESET_KEYS_DIR",
                dir.toString(),
                "RETRY_BASE_DELAY_MS",
                "20",
                "RETRY_MAX_DELAY_MS",
                "50",
                "MAX_ATTEMPTS",
                "20"));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @AfterEach
    void clearFaults() {
        stack.logto.faults().clear();
    }

    private static String createUser(String username, String password) {
        CommandOutcome outcome = stack.awaitOutcome(stack.send(
                username,
                UserCreate.newBuilder()
                        .setMeta(meta("create-" + username))
                        .setUsername(username)
                        .setPassword(password)
                        .build()));
        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        return outcome.getUserId();
    }

    private static UserRef byName(String username) {
        return new UserRef(UserRefKind.USERNAME, username);
    }

    private static CommandMeta forced(String key) {
        return CommandMeta.newBuilder(meta(key)).setForce(true).build();
    }

    /**
     * Prints the user's sessions (by uid) and grants as Logto lists them, so a run against a real Logto leaves a
     * listing of what a composite revoked beside its verdict.
     */
    private static void list(String when, String userId) {
        List<String> sessions = stack.logto.state().sessionsOf(userId).stream()
                .map(s -> ((JsonObject) s)
                        .getJsonObject("payload", new JsonObject())
                        .getString("uid"))
                .toList();
        List<String> grants = stack.logto.state().grantsOf(userId).stream()
                .map(g -> ((JsonObject) g).getString("id"))
                .toList();
        System.out.println("[sessions] " + stack.logto.describe() + " user " + userId + " " + when + ": sessions "
                + sessions + ", grants " + grants);
    }

    private static long mutations(String userId, String operation) {
        return stack.logto.state().mutationsForUser(userId).stream()
                .filter(m -> m.operation().equals(operation))
                .count();
    }

    @Test
    void sessionRevokeAllSignsTheUserOutEverywhereAndARepeatChangesNothing() {
        String username = unique("everywhere");
        String userId = createUser(username, null);
        for (int i = 0; i < 3; i++) {
            stack.logto.createSession(userId);
        }
        list("before SessionRevokeAll", userId);

        CommandOutcome outcome = stack.awaitOutcome(stack.send(
                username,
                SessionRevokeAll.newBuilder()
                        .setMeta(meta("all-" + username))
                        .setUser(byName(username))
                        .build()));
        list("after SessionRevokeAll", userId);

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(outcome.getDetails()).containsEntry("sessionsRevoked", "3");
        assertThat(stack.logto.state().sessionsOf(userId)).isEmpty();
        long before = stack.logto.state().mutations().size();
        CommandOutcome again = stack.awaitOutcome(stack.send(
                username,
                SessionRevokeAll.newBuilder()
                        .setMeta(forced("all-" + username))
                        .setUser(byName(username))
                        .build()));
        assertThat(again.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(again.getDetails()).containsEntry("sessionsRevoked", "0");
        assertThat(stack.logto.state().mutations()).hasSize((int) before);
        assertThat(stack.logto.state().grantsOf(userId))
                .as("without a grants target Logto keeps the grants")
                .hasSize(3);
    }

    /**
     * Sessions as a real sign-in leaves them (addressed by uid, each naming its grant), a grant whose session already
     * ended, and a third-party sign-in: with {@code ALL} nothing of them is left, with {@code FIRST_PARTY} only the
     * third-party grant stays.
     */
    @Test
    void sessionRevokeAllWithAGrantsTargetAlsoRevokesGrantsThatOutlivedTheirSessions() {
        for (RevokeGrantsTarget target : RevokeGrantsTarget.values()) {
            String username = unique("signout" + target.ordinal());
            String userId = createUser(username, null);
            String partnerGrant = seedSignIns(userId);

            CommandOutcome outcome = stack.awaitOutcome(stack.send(
                    username,
                    SessionRevokeAll.newBuilder()
                            .setMeta(meta("all-" + username))
                            .setUser(byName(username))
                            .setRevokeGrantsTarget(target)
                            .build()));

            assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
            assertThat(stack.logto.state().sessionsOf(userId)).isEmpty();
            assertThat(outcome.getDetails()).containsEntry("sessionsRevoked", "2");
            if (target == RevokeGrantsTarget.ALL) {
                assertThat(stack.logto.state().grantsOf(userId)).isEmpty();
                assertThat(outcome.getDetails()).containsEntry("grantsRevoked", "1");
            } else {
                assertThat(stack.logto.state().grantsOf(userId))
                        .extracting(g -> ((JsonObject) g).getString("id"))
                        .containsExactly(partnerGrant);
                assertThat(outcome.getDetails()).containsEntry("grantsRevoked", "1");
            }
        }
    }

    /**
     * Two sign-ins (a first-party and a third-party application) and a first-party grant whose session ended; returns
     * the third-party grant's id.
     */
    private static String seedSignIns(String userId) {
        stack.logto.signIn(userId, "first-party-app", false);
        String partnerGrant = stack.logto.signIn(userId, "partner-app", true).grantId();
        stack.logto.createGrant(userId, "first-party-app");
        assertThat(stack.logto.state().sessionsOf(userId)).hasSize(2);
        assertThat(stack.logto.state().grantsOf(userId)).hasSize(3);
        return partnerGrant;
    }

    @Test
    void mfaResetRemovesEveryFactorThenEverySessionAndFinishesAfterFailingHalfWay() throws Exception {
        String username = unique("mfa");
        String userId = createUser(username, null);
        // Signed in before enrolling: a real sign-in would ask for the second factor afterwards.
        seedSignIns(userId);
        stack.logto.createMfaVerification(userId, "Totp");
        stack.logto.createMfaVerification(userId, "BackupCode");
        list("before MfaReset", userId);
        // Session revocation fails until the MFA step is done: the first attempts stop half-way.
        stack.logto
                .faults()
                .add(FaultRule.error503(1.0).onPath(".*/sessions/.*").onMethod("DELETE"));

        String id = stack.send(
                username,
                MfaReset.newBuilder()
                        .setMeta(meta("mfa-" + username))
                        .setUser(byName(username))
                        .build());
        Instant deadline = Instant.now().plusSeconds(20);
        while (mutations(userId, "user.mfa.delete") < 2 && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        Thread.sleep(200);
        stack.logto.faults().clear();
        CommandOutcome outcome = stack.awaitOutcome(id);
        list("after MfaReset", userId);

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(outcome.getAttempts()).isGreaterThan(1);
        assertThat(outcome.getDetails())
                .containsEntry("steps", "mfa_removed,sessions_revoked")
                .containsEntry("sessionsRevoked", "2");
        assertThat(mutations(userId, "user.mfa.delete"))
                .as("each factor removed once")
                .isEqualTo(2);
        assertThat(mutations(userId, "user.session.revoke")).isEqualTo(2);
        assertThat(stack.logto.state().sessionsOf(userId)).isEmpty();
        assertThat(stack.logto.state().grantsOf(userId))
                .as("the intruder's refresh tokens end with their grants")
                .isEmpty();
        assertThat(outcome.getDetails()).containsEntry("grantsRevoked", "1");
    }

    @Test
    void passwordChangeNeedsTheCurrentPasswordAndIsSafeToRepeat() throws Exception {
        String username = unique("pwchange");
        String userId = createUser(username, "Old-Passw0rd!");

        CommandOutcome wrong = stack.awaitOutcome(stack.send(
                username,
                PasswordChange.newBuilder()
                        .setMeta(meta("wrong-" + username))
                        .setUser(byName(username))
                        .setCurrentPassword("not-it")
                        .setNewPassword("New-Passw0rd!")
                        .build()));
        assertThat(wrong.getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(wrong.getErrorCode()).isEqualTo("session.invalid_credentials");
        assertThat(mutations(userId, "user.password.set")).isZero();

        PasswordChange change = PasswordChange.newBuilder()
                .setMeta(meta("change-" + username))
                .setUser(byName(username))
                .setCurrentPassword("Old-Passw0rd!")
                .setNewPassword("New-Passw0rd!")
                .build();
        CommandOutcome ok = stack.awaitOutcome(stack.send(username, change));
        assertThat(ok.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().passwordMatches(userId, "New-Passw0rd!")).isTrue();

        CommandOutcome replay = stack.awaitOutcome(stack.send(
                username,
                PasswordChange.newBuilder(change)
                        .setMeta(forced("change-" + username))
                        .build()));
        assertThat(replay.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(replay.getDetails()).containsEntry("alreadyApplied", "true");
        assertThat(mutations(userId, "user.password.set")).isEqualTo(1);
    }

    @Test
    void passwordResetPublishesTheNewPasswordOnlyEncryptedToTheIssuer() throws Exception {
        String username = unique("reset");
        String userId = createUser(username, "Before-Reset1!");
        seedSignIns(userId);
        list("before PasswordReset", userId);

        CommandOutcome outcome = stack.awaitOutcome(stack.send(
                username,
                PasswordReset.newBuilder()
                        .setMeta(meta("reset-" + username))
                        .setUser(byName(username))
                        .build()));
        list("after PasswordReset", userId);

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(outcome.getDetails())
                .containsEntry("encryption", "RSA-OAEP-256")
                .containsEntry("sessionsRevoked", "2")
                .containsEntry("grantsRevoked", "1");
        String password = decrypt(outcome.getDetails().get("encryptedPassword"));
        assertThat(password).hasSize(24);
        assertThat(outcome.toString()).doesNotContain(password);
        assertThat(stack.logto.state().passwordMatches(userId, password)).isTrue();
        assertThat(stack.logto.state().passwordMatches(userId, "Before-Reset1!"))
                .isFalse();
        assertThat(stack.logto.state().sessionsOf(userId)).isEmpty();
        assertThat(stack.logto.state().grantsOf(userId)).isEmpty();
    }

    @Test
    void passwordResetIsRejectedForAnIssuerWithoutAKey() {
        long requests = stack.logto.state().requestCount();
        CommandOutcome outcome = stack.awaitOutcome(stack.send(
                "x",
                PasswordReset.newBuilder()
                        .setMeta(CommandMeta.newBuilder(meta(unique("nokey")))
                                .setIssuer("keyless-service")
                                .build())
                        .setUser(byName("whoever"))
                        .build()));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(outcome.getFieldErrors()).extracting(e -> e.getField()).contains("meta.issuer");
        assertThat(stack.logto.state().requestCount()).isEqualTo(requests);
    }

    private static String decrypt(String base64) throws Exception {
        Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
        cipher.init(
                Cipher.DECRYPT_MODE,
                issuerKeys.getPrivate(),
                new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
        return new String(cipher.doFinal(Base64.getDecoder().decode(base64)), StandardCharsets.UTF_8);
    }
}
