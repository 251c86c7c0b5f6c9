package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.PasswordReset;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.MGF1ParameterSpec;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PasswordResetHandlerTest {
    private static KeyPair issuerKey;
    private static RecipientKeys keys;
    private final FakeLogto logto = new FakeLogto();

    @BeforeAll
    static void issuerKey() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        issuerKey = rsa.generateKeyPair();
        Path dir = Files.createTempDirectory("recipients");
        Files.writeString(
                dir.resolve(ISSUER + ".pem"),
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(issuerKey.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        keys = RecipientKeys.load(dir);
    }

    private static PasswordReset reset() {
        return PasswordReset.newBuilder().setMeta(meta()).setUser(byId(USER_ID)).build();
    }

    private static String decrypt(String base64) throws Exception {
        Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
        cipher.init(
                Cipher.DECRYPT_MODE,
                issuerKey.getPrivate(),
                new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
        return new String(cipher.doFinal(Base64.getDecoder().decode(base64)), StandardCharsets.UTF_8);
    }

    @Test
    void setsARandomPasswordThenSignsTheUserOutAndHandsThePasswordOnlyEncrypted() throws Exception {
        logto.on(HttpMethod.PATCH, USER + "/password", FakeLogto.json(200, user(USER_ID)))
                .on(HttpMethod.GET, USER + "/sessions", FakeLogto.json(200, MfaResetHandlerTest.sessions("s1")))
                .on(HttpMethod.DELETE, USER + "/sessions/s1", FakeLogto.status(204))
                .on(HttpMethod.GET, USER + "/grants", FakeLogto.json(200, new io.vertx.core.json.JsonObject()));

        HandlerResult result = result(new PasswordResetHandler(keys).execute(reset(), context(logto)));

        assertSucceeded(result, USER_ID);
        String sent = logto.writes().get(0).body().getString("password");
        assertThat(sent).hasSize(24);
        assertThat(decrypt(result.details().get("encryptedPassword"))).isEqualTo(sent);
        assertThat(result.details().values()).noneMatch(v -> v.contains(sent));
        assertThat(result.details())
                .containsEntry("sessionsRevoked", "1")
                .containsEntry("steps", "password_set,sessions_revoked")
                .containsEntry(
                        "recipientKeySha256",
                        keys.forIssuer(ISSUER).orElseThrow().fingerprint());
        assertThat(logto.lines())
                .containsExactly(
                        "PATCH " + USER + "/password",
                        "GET " + USER + "/sessions",
                        "DELETE " + USER + "/sessions/s1",
                        "GET " + USER + "/grants");
        assertThat(logto.writes().get(0).idempotencyKey()).isEqualTo(KEY + ":set");
    }

    @Test
    void aMissingUserIsUserNotFoundAndNoSessionIsTouched() {
        logto.on(HttpMethod.PATCH, USER + "/password", FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(new PasswordResetHandler(keys).execute(reset(), context(logto))));
        assertThat(logto.lines()).containsExactly("PATCH " + USER + "/password");
    }

    @Test
    void aRefusedSetIsReadAsPasswordSetReadsIt() {
        logto.on(HttpMethod.PATCH, USER + "/password", FakeLogto.error(409, "user.password_conflict", "message"));

        HandlerResult result = result(new PasswordResetHandler(keys).execute(reset(), context(logto)));

        // Before the shared reading, a 409 here was an exception and Logto's message was copied.
        assertFailed(result, "user.password_conflict", 409);
        assertThat(result.errorMessage()).isNotEqualTo("message");
        assertThat(result.details()).doesNotContainKey("encryptedPassword");
    }

    @Test
    void anIssuerWithoutAKeyIsAFieldError() {
        assertThat(fields(new PasswordResetHandler(RecipientKeys.none()).validate(reset())))
                .containsExactly("meta.issuer");
        assertThat(fields(new PasswordResetHandler(keys).validate(reset()))).isEmpty();
    }
}
