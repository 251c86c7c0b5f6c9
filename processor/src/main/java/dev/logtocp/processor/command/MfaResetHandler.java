package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.MfaReset;
import dev.logtocp.commands.RevokeGrantsTarget;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Removes every MFA verification, then revokes every session (with their grants), so the user must sign in again
 * and enrol anew. Interrupted half-way, a retry finds the verifications already gone and carries on.
 */
public final class MfaResetHandler implements CommandHandler<MfaReset> {

    @Override
    public Class<MfaReset> commandType() {
        return MfaReset.class;
    }

    @Override
    public String action() {
        return "user.mfa.reset";
    }

    @Override
    public CommandMeta meta(MfaReset command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(MfaReset command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(MfaReset c) {
        return Validation.of(c.getMeta()).userRef("user", c.getUser()).errors();
    }

    @Override
    public List<String> changedFields(MfaReset command) {
        return List.of("mfaVerifications", "sessions", "grants");
    }

    @Override
    public Future<HandlerResult> execute(MfaReset c, ExecutionContext ctx) {
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> UserSweeps.existing(ctx, user))
                .compose(user -> UserSweeps.removeAllMfa(ctx, user)
                        .compose(removed -> UserSweeps.revokeAllSessions(ctx, user, RevokeGrantsTarget.ALL)
                                .map(revoked -> {
                                    Map<String, String> details = new HashMap<>(revoked.details());
                                    details.put("mfaVerificationsRemoved", Integer.toString(removed));
                                    details.put("steps", "mfa_removed,sessions_revoked");
                                    return HandlerResult.succeeded(user.id(), Map.copyOf(details));
                                })));
    }
}
