package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.MfaVerificationDelete;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code DELETE /api/users/{id}/mfa-verifications/{verificationId}}. Idempotent: Logto answers 404
 * {@code entity.not_found} both for a verification already gone and for a missing user (measured), so the 404 is
 * confirmed against the user: user there → SUCCEEDED with {@code details.alreadyApplied=true}; user missing →
 * FAILED {@code user_not_found}.
 */
public final class MfaVerificationDeleteHandler implements CommandHandler<MfaVerificationDelete> {

    @Override
    public Class<MfaVerificationDelete> commandType() {
        return MfaVerificationDelete.class;
    }

    @Override
    public String action() {
        return "user.mfa.delete";
    }

    @Override
    public CommandMeta meta(MfaVerificationDelete command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(MfaVerificationDelete command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(MfaVerificationDelete c) {
        return Validation.of(c.getMeta())
                .userRef("user", c.getUser())
                .requireText("verificationId", c.getVerificationId(), Validation.MAX_ID)
                .errors();
    }

    @Override
    public List<String> changedFields(MfaVerificationDelete c) {
        return List.of("mfaVerifications");
    }

    @Override
    public Future<HandlerResult> execute(MfaVerificationDelete c, ExecutionContext ctx) {
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> LogtoAnswers.deleteItem(
                        ctx,
                        user,
                        "/mfa-verifications/" + PathSegments.encode(c.getVerificationId()),
                        action(),
                        Map.of()));
    }
}
