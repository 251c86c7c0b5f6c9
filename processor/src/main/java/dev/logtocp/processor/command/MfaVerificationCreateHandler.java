package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.MfaFactor;
import dev.logtocp.commands.MfaVerificationCreate;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import dev.logtocp.processor.logto.LogtoResponse;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code POST /api/users/{id}/mfa-verifications} with the TOTP secret or backup codes the issuer chose. The
 * processor never asks Logto to generate them: it could not hand a generated secret back without putting it in
 * the outcome.
 *
 * <p>Replay: Logto keys nothing by our command, so before writing, the handler lists the user's verifications. A
 * verification of the same type created at or after the command's {@code issuedAt} is taken to be this command's
 * earlier attempt (a user's commands run one at a time in order), and the command ends SUCCEEDED with
 * {@code details.alreadyApplied=true} without a second POST. A replay is the same record read again, so it
 * carries the same {@code issuedAt}; an issuer that re-sends the intent with a fresh {@code issuedAt} makes a new
 * command, which then meets the TOTP it created earlier. Otherwise it POSTs; a TOTP meeting an older TOTP is
 * refused by Logto with 422 {@code user.totp_already_in_use} and ends FAILED with that code. Limits: if Logto's
 * clock is behind the issuer's by more than the time between the command and the write, an earlier attempt looks
 * older than the command, and a TOTP replay then ends FAILED {@code user.totp_already_in_use} (nothing is applied
 * twice); a BACKUP_CODE replay in that window would add a second set of codes. The secret and the codes go into the
 * request body only; the answer (which echoes them) is not read beyond its status.
 */
public final class MfaVerificationCreateHandler implements CommandHandler<MfaVerificationCreate> {
    // Logto 1.42's own checks (totp-validation.ts, backup-code-validation.ts), so a secret or a set of codes Logto
    // would refuse with 422 is REJECTED here, before any call, with the field named.
    /** Whole 8-character base32 groups, optionally ending in one padded group; 16 to 32 characters in all. */
    private static final Pattern BASE32 =
            Pattern.compile("^(?:[2-7A-Z]{8})*(?:[2-7A-Z]{2}={6}|[2-7A-Z]{4}={4}|[2-7A-Z]{5}={3}|[2-7A-Z]{7}=)?$");

    private static final int TOTP_MIN = 16;
    private static final int TOTP_MAX = 32;
    private static final int BACKUP_CODE_COUNT = 10;
    private static final Pattern BACKUP_CODE = Pattern.compile("^[0-9a-fA-F]{10}$");

    @Override
    public Class<MfaVerificationCreate> commandType() {
        return MfaVerificationCreate.class;
    }

    @Override
    public String action() {
        return "user.mfa.create";
    }

    @Override
    public CommandMeta meta(MfaVerificationCreate command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(MfaVerificationCreate command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(MfaVerificationCreate c) {
        Validation v = Validation.of(c.getMeta()).userRef("user", c.getUser());
        if (c.getType() == null) {
            return v.add("type", "is required").errors();
        }
        if (c.getType() == MfaFactor.TOTP) {
            if (c.getTotpSecret() == null) {
                v.add("totpSecret", "is required for TOTP");
            } else if (c.getTotpSecret().length() < TOTP_MIN
                    || c.getTotpSecret().length() > TOTP_MAX
                    || !BASE32.matcher(c.getTotpSecret()).matches()) {
                v.add(
                        "totpSecret",
                        "must be 16 to 32 characters of base32 (A-Z, 2-7) in groups of 8, as Logto requires");
            }
            if (c.getBackupCodes() != null) {
                v.add("backupCodes", "must be absent for TOTP");
            }
        } else {
            List<String> codes = c.getBackupCodes();
            if (codes == null || codes.size() != BACKUP_CODE_COUNT) {
                v.add("backupCodes", "needs exactly 10 codes for BACKUP_CODE, as Logto requires");
            } else {
                for (int i = 0; i < codes.size(); i++) {
                    if (codes.get(i) == null
                            || !BACKUP_CODE.matcher(codes.get(i)).matches()) {
                        v.add("backupCodes[" + i + "]", "must be 10 hexadecimal digits");
                    }
                }
            }
            if (c.getTotpSecret() != null) {
                v.add("totpSecret", "must be absent for BACKUP_CODE");
            }
        }
        return v.errors();
    }

    @Override
    public List<String> changedFields(MfaVerificationCreate c) {
        return List.of("mfaVerifications");
    }

    @Override
    public Future<HandlerResult> execute(MfaVerificationCreate c, ExecutionContext ctx) {
        String type = logtoType(c.getType());
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> ctx.logto()
                        .get("user.mfa.list", user.path() + "/mfa-verifications", Map.of())
                        .compose(answer -> {
                            Optional<LogtoResponse> list = LogtoAnswers.found(answer, "user.mfa.list");
                            if (list.isEmpty()) {
                                return Future.succeededFuture(LogtoAnswers.userNotFound(user.id()));
                            }
                            if (createdSince(
                                    list.get().jsonArray(), type, c.getMeta().getIssuedAt())) {
                                return Future.succeededFuture(HandlerResult.succeeded(
                                        user.id(), Map.of("type", type, "alreadyApplied", "true")));
                            }
                            JsonObject body = new JsonObject().put("type", type);
                            if (c.getType() == MfaFactor.TOTP) {
                                body.put("secret", c.getTotpSecret());
                            } else {
                                body.put("codes", new JsonArray(List.copyOf(c.getBackupCodes())));
                            }
                            return ctx.logto()
                                    .write(
                                            action(),
                                            HttpMethod.POST,
                                            user.path() + "/mfa-verifications",
                                            null,
                                            body,
                                            ctx.idempotencyKey())
                                    .compose(response -> LogtoAnswers.applied(
                                            user.id(), response, action(), Map.of("type", type), true));
                        }));
    }

    static String logtoType(MfaFactor factor) {
        return factor == MfaFactor.TOTP ? "Totp" : "BackupCode";
    }

    private static boolean createdSince(JsonArray verifications, String type, Instant issuedAt) {
        for (int i = 0; i < verifications.size(); i++) {
            JsonObject verification = verifications.getJsonObject(i);
            if (type.equals(verification.getString("type"))) {
                Instant createdAt = instant(verification.getValue("createdAt"));
                if (createdAt != null && !createdAt.isBefore(issuedAt)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Instant instant(Object value) {
        if (value instanceof Number millis) {
            return Instant.ofEpochMilli(millis.longValue());
        }
        if (value instanceof String text) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }
}
