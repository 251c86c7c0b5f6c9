package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.PasswordSet;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code PATCH /api/users/{id}/password}. Idempotent in effect: a replay sets the same password again (Logto
 * hashes it with a new salt, so the stored hash changes but every sign-in behaves the same). Logto's Management
 * API takes only a plaintext password on this path; importing a digest is possible only at creation
 * ({@code UserCreate.passwordDigest}). The password is a secret: it is put in the request body and nowhere else,
 * and Logto's error messages are not copied into the outcome.
 */
public final class PasswordSetHandler implements CommandHandler<PasswordSet> {
    static final int MAX_PASSWORD = 256;

    @Override
    public Class<PasswordSet> commandType() {
        return PasswordSet.class;
    }

    @Override
    public String action() {
        return "user.password.set";
    }

    @Override
    public CommandMeta meta(PasswordSet command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(PasswordSet command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(PasswordSet c) {
        Validation v = Validation.of(c.getMeta()).userRef("user", c.getUser());
        if (c.getPassword() == null) {
            v.add("password", "is required");
        }
        return v.secret("password", c.getPassword(), MAX_PASSWORD).errors();
    }

    @Override
    public List<String> changedFields(PasswordSet c) {
        return List.of("password");
    }

    @Override
    public Future<HandlerResult> execute(PasswordSet c, ExecutionContext ctx) {
        JsonObject body = new JsonObject().put("password", c.getPassword());
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> ctx.logto()
                        .write(action(), HttpMethod.PATCH, user.path() + "/password", null, body, ctx.idempotencyKey())
                        .compose(response -> response.isSuccess()
                                ? Future.succeededFuture(HandlerResult.succeeded(user.id(), Map.of()))
                                : LogtoAnswers.refusal(user.id(), response, action(), true)));
    }
}
