package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.UserDelete;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code DELETE /api/users/{id}}. The command asks for the user to be absent, so an absent user is success:
 * Logto answers 404 {@code entity.not_found} to a repeated delete, and a username or email reference no longer
 * resolves after the first delete; both end SUCCEEDED with {@code details.alreadyApplied=true}. Logto cannot tell
 * "deleted by an earlier attempt" from "never existed", so a reference to a user that never existed also ends
 * SUCCEEDED that way; without this, a replay of a successful delete would end FAILED.
 */
public final class UserDeleteHandler implements CommandHandler<UserDelete> {

    @Override
    public Class<UserDelete> commandType() {
        return UserDelete.class;
    }

    @Override
    public String action() {
        return "user.delete";
    }

    @Override
    public CommandMeta meta(UserDelete command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(UserDelete command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(UserDelete c) {
        return Validation.of(c.getMeta()).userRef("user", c.getUser()).errors();
    }

    @Override
    public List<String> changedFields(UserDelete command) {
        return List.of("user");
    }

    @Override
    public Future<HandlerResult> execute(UserDelete c, ExecutionContext ctx) {
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> ctx.logto()
                        .write(action(), HttpMethod.DELETE, user.path(), null, null, ctx.idempotencyKey())
                        .compose(response -> LogtoAnswers.goneOn404(
                                user.id(),
                                response,
                                null,
                                Map.of(),
                                refused -> LogtoAnswers.refusal(user.id(), refused, action(), false))))
                .recover(error -> error instanceof CommandFailure failure
                                && failure.code().equals(UserResolver.USER_NOT_FOUND)
                        ? Future.succeededFuture(HandlerResult.succeeded(null, LogtoAnswers.ALREADY_APPLIED))
                        : Future.failedFuture(error));
    }

    @Override
    public Optional<String> releasesExternalId(UserDelete command) {
        UserRef ref = command.getUser();
        return ref != null && ref.getKind() == UserRefKind.EXTERNAL_ID ? Optional.of(ref.getValue()) : Optional.empty();
    }
}
