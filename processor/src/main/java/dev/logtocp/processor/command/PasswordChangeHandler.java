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
        return Validation.of(c.getMeta()).userRef("user", c.getUser())
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
        return ctx.users().resolve(c.getUser()).compose(user -> verify(ctx, user, c.getCurrentPassword(), "current").compose(current -> {
            if (current) {
                JsonObject body = new JsonObject().put("password", c.getNewPassword());
                return ctx.logto().write("user.password.set", HttpMethod.PATCH, user.path() + "/password", null, body,
                        ctx.idempotencyKey() + ":set").map(response -> {
                            if (response.isSuccess()) {
                                return HandlerResult.succeeded(user.id(), Map.of("steps", "verified,password_set"));
                            }
                            if (response.status() == 404) {
                                return HandlerResult.failed(user.id(), UserResolver.USER_NOT_FOUND, "no user with that id", 404);
                            }
                            if (response.status() == 400 || response.status() == 422) {
                                return HandlerResult.failed(user.id(), response.errorCode().orElse("http_" + response.status()),
                                        response.errorMessage().orElse(null), response.status());
                            }
                            throw response.toException("user.password.set");
                        });
            }
            return verify(ctx, user, c.getNewPassword(), "new").map(alreadyNew -> alreadyNew
                    ? HandlerResult.succeeded(user.id(), Map.of("alreadyApplied", "true", "steps", "password_set"))
                    : HandlerResult.failed(user.id(), INVALID_CREDENTIALS, "the current password is wrong", 422));
        }));
    }

    /** True on 204, false on 422 invalid credentials; a missing user fails the command. */
    private static Future<Boolean> verify(ExecutionContext ctx, UserResolver.ResolvedUser user, String password, String which) {
        return ctx.logto().write("user.password.verify", HttpMethod.POST, user.path() + "/password/verify", null,
                new JsonObject().put("password", password), ctx.idempotencyKey() + ":verify-" + which).map(response -> {
                    if (response.status() == 204 || response.status() == 200) {
                        return true;
                    }
                    if (response.status() == 422) {
                        return false;
                    }
                    if (response.status() == 404) {
                        throw new CommandFailure(UserResolver.USER_NOT_FOUND, "no user with that id", 404);
                    }
                    if (response.status() == 400) {
                        // e.g. the user has no password at all
                        throw new CommandFailure(response.errorCode().orElse("http_400"), "password cannot be verified", 400);
                    }
                    throw response.toException("user.password.verify");
                });
    }
}
