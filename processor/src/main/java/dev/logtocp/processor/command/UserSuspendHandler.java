package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserSuspend;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code PATCH /api/users/{id}/is-suspended}. Naturally idempotent: Logto answers 200 to suspending a suspended
 * user (measured), and the state afterwards is the same.
 */
public final class UserSuspendHandler implements CommandHandler<UserSuspend> {

    @Override
    public Class<UserSuspend> commandType() {
        return UserSuspend.class;
    }

    @Override
    public String action() {
        return "user.suspend";
    }

    @Override
    public CommandMeta meta(UserSuspend command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(UserSuspend command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(UserSuspend c) {
        return Validation.of(c.getMeta()).userRef("user", c.getUser()).errors();
    }

    @Override
    public List<String> changedFields(UserSuspend c) {
        return List.of("isSuspended");
    }

    @Override
    public Future<HandlerResult> execute(UserSuspend c, ExecutionContext ctx) {
        JsonObject body = new JsonObject().put("isSuspended", c.getSuspended());
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> ctx.logto()
                        .write(
                                action(),
                                HttpMethod.PATCH,
                                user.path() + "/is-suspended",
                                null,
                                body,
                                ctx.idempotencyKey())
                        .compose(response -> response.isSuccess()
                                ? Future.succeededFuture(HandlerResult.succeeded(
                                        user.id(), Map.of("isSuspended", String.valueOf(c.getSuspended()))))
                                : LogtoAnswers.refusal(user.id(), response, action(), false)));
    }
}
