package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.PasswordChange;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies the current password, then sets the new one. A wrong current password ends FAILED
 * {@code session.invalid_credentials} and nothing changes.
 *
 * <p>Natural idempotency: if an earlier attempt already set the new password, the current one no longer verifies;
 * before failing, the handler checks whether the <em>new</em> password verifies, and if so the change is already
 * applied and the command SUCCEEDS without a second write.
 */
public final class PasswordChangeHandler implements CommandHandler<PasswordChange> {
    static final String INVALID_CREDENTIALS = "session.invalid_credentials";

    @Override
    public Class<PasswordChange> commandType() {
        return PasswordChange.class;
    }

    @Override
    public String action() {
        return "user.password.change";
    }

    @Override
    public CommandMeta meta(PasswordChange command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(PasswordChange command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(PasswordChange c) {
        return Validation.of(c.getMeta())
                .userRef("user", c.getUser())
                .secret("currentPassword", c.getCurrentPassword(), 256)
                .secret("newPassword", c.getNewPassword(), 256)
                .errors();
    }

    @Override
    public List<String> changedFields(PasswordChange command) {
        return List.of("password");
    }

    @Override
    public Future<HandlerResult> execute(PasswordChange c, ExecutionContext ctx) {
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> verify(ctx, user, c.getCurrentPassword(), "current")
                        .compose(current -> {
                            if (current) {
                                JsonObject body = new JsonObject().put("password", c.getNewPassword());
                                return ctx.logto()
                                        .write(
                                                "user.password.set",
                                                HttpMethod.PATCH,
                                                user.path() + "/password",
                                                null,
                                                body,
                                                ctx.idempotencyKey() + ":set")
                                        .compose(response -> LogtoAnswers.applied(
                                                user.id(),
                                                response,
                                                "user.password.set",
                                                Map.of("steps", "verified,password_set"),
                                                true));
                            }
                            return verify(ctx, user, c.getNewPassword(), "new")
                                    .map(alreadyNew -> alreadyNew
                                            ? HandlerResult.succeeded(
                                                    user.id(),
                                                    Map.of("alreadyApplied", "true", "steps", "password_set"))
                                            : HandlerResult.failed(
                                                    user.id(),
                                                    INVALID_CREDENTIALS,
                                                    "the current password is wrong",
                                                    422));
                        }));
    }

    /** True on 204, false on 422 invalid credentials; a missing user fails the command. */
    private static Future<Boolean> verify(
            ExecutionContext ctx, UserResolver.ResolvedUser user, String password, String which) {
        return ctx.logto()
                .write(
                        "user.password.verify",
                        HttpMethod.POST,
                        user.path() + "/password/verify",
                        null,
                        new JsonObject().put("password", password),
                        ctx.idempotencyKey() + ":verify-" + which)
                .compose(response -> LogtoAnswers.passwordMatches(user.id(), response, "user.password.verify"));
    }
}
