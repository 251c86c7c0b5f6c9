package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.PasswordReset;
import dev.logtocp.commands.RevokeGrantsTarget;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * Sets a strong random password and revokes every session. The password exists in clear only in this process for
 * the duration of the call: the outcome carries it encrypted to the issuer's public key
 * ({@code details.encryptedPassword}, RSA-OAEP with SHA-256 and MGF1-SHA-256, base64), with the key's fingerprint.
 * An issuer without a configured key is REJECTED before anything happens.
 *
 * <p>On retry a fresh password is generated and set again; only the password of the attempt that produced the
 * outcome is published, and it is the one Logto holds. A DUPLICATE of a finished reset does not carry the password
 * again (the ledger keeps no secrets): issue a new reset instead.
 */
public final class PasswordResetHandler implements CommandHandler<PasswordReset> {
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.!@#%+=";
    private static final int LENGTH = 24;

    private final RecipientKeys keys;
    private final SecureRandom random = new SecureRandom();

    public PasswordResetHandler(RecipientKeys keys) {
        this.keys = keys;
    }

    @Override
    public Class<PasswordReset> commandType() {
        return PasswordReset.class;
    }

    @Override
    public String action() {
        return "user.password.reset";
    }

    @Override
    public CommandMeta meta(PasswordReset command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(PasswordReset command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(PasswordReset c) {
        Validation v = Validation.of(c.getMeta()).userRef("user", c.getUser());
        if (c.getMeta().getIssuer() != null
                && keys.forIssuer(c.getMeta().getIssuer()).isEmpty()) {
            v.add(
                    "meta.issuer",
                    "has no public key configured to receive a generated password (PASSWORD_RESET_KEYS_DIR)");
        }
        return v.errors();
    }

    @Override
    public List<String> changedFields(PasswordReset command) {
        return List.of("password", "sessions", "grants");
    }

    @Override
    public Future<HandlerResult> execute(PasswordReset c, ExecutionContext ctx) {
        RecipientKeys.Recipient recipient =
                keys.forIssuer(c.getMeta().getIssuer()).orElseThrow();
        return ctx.users().resolve(c.getUser()).compose(user -> {
            char[] password = generate();
            String encrypted;
            try {
                encrypted = encrypt(password, recipient);
            } catch (GeneralSecurityException e) {
                return Future.failedFuture(
                        new CommandFailure("encryption_failed", "could not encrypt for the issuer's key", null));
            }
            JsonObject body = new JsonObject().put("password", new String(password));
            Arrays.fill(password, '\0');
            return ctx.logto()
                    .write(
                            "user.password.set",
                            HttpMethod.PATCH,
                            user.path() + "/password",
                            null,
                            body,
                            ctx.idempotencyKey() + ":set")
                    .compose(response -> {
                        if (!response.isSuccess()) {
                            // The same call as PasswordSet, read the same way: the request carried the password.
                            return LogtoAnswers.refusal(user.id(), response, "user.password.set", true);
                        }
                        return UserSweeps.revokeAllSessions(ctx, user, RevokeGrantsTarget.ALL)
                                .map(revoked -> {
                                    Map<String, String> details = new HashMap<>(revoked.details());
                                    details.put("encryptedPassword", encrypted);
                                    details.put("encryption", "RSA-OAEP-256");
                                    details.put("recipientKeySha256", recipient.fingerprint());
                                    details.put("steps", "password_set,sessions_revoked");
                                    return HandlerResult.succeeded(user.id(), Map.copyOf(details));
                                });
                    });
        });
    }

    private char[] generate() {
        char[] out = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            out[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        // Guarantee every class Logto's password policies commonly ask for.
        out[random.nextInt(6)] = "ABCDEFGHJKLMNPQRSTUVWXYZ".charAt(random.nextInt(24));
        out[6 + random.nextInt(6)] = "abcdefghijkmnopqrstuvwxyz".charAt(random.nextInt(25));
        out[12 + random.nextInt(6)] = "23456789".charAt(random.nextInt(8));
        out[18 + random.nextInt(6)] = "-_.!@#%+=".charAt(random.nextInt(9));
        return out;
    }

    static String encrypt(char[] password, RecipientKeys.Recipient recipient) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
        cipher.init(
                Cipher.ENCRYPT_MODE,
                recipient.key(),
                new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
        byte[] plain = new String(password).getBytes(StandardCharsets.UTF_8);
        try {
            return Base64.getEncoder().encodeToString(cipher.doFinal(plain));
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }
}
