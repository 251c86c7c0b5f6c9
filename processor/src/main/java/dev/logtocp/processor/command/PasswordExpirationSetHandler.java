package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.PasswordExpirationSet;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code PATCH /api/users/{id}/password/expiration}. Naturally idempotent: setting the same state again leaves it
 * as it is (Logto answers 200 each time). {@code isExpired=true} is refused with 400
 * {@code sign_in_experiences.password_expiration_not_enabled} unless password expiration is enabled in the
 * sign-in experience, which ends FAILED with that code; {@code false} is always accepted.
 */
public final class PasswordExpirationSetHandler implements CommandHandler<PasswordExpirationSet> {

    @Override
    public Class<PasswordExpirationSet> commandType() {
        return PasswordExpirationSet.class;
    }

    @Override
    public String action() {
        return "user.password.expiration";
    }

    @Override
    public CommandMeta meta(PasswordExpirationSet command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(PasswordExpirationSet command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(PasswordExpirationSet c) {
        return Validation.of(c.getMeta()).userRef("user", c.getUser()).errors();
    }

    @Override
    public List<String> changedFields(PasswordExpirationSet command) {
        return List.of("passwordExpired");
    }

    @Override
    public Future<HandlerResult> execute(PasswordExpirationSet c, ExecutionContext ctx) {
        JsonObject body = new JsonObject().put("isExpired", c.getIsExpired());
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> ctx.logto()
                        .write(
                                action(),
                                HttpMethod.PATCH,
                                user.path() + "/password/expiration",
                                null,
                                body,
                                ctx.idempotencyKey())
                        .compose(response -> response.isSuccess()
                                ? Future.succeededFuture(HandlerResult.succeeded(
                                        user.id(), Map.of("isExpired", Boolean.toString(c.getIsExpired()))))
                                : LogtoAnswers.refusal(user.id(), response, action(), false)));
    }
}
