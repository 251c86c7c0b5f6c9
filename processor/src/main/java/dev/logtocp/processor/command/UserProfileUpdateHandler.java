package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.UserProfileUpdate;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code PATCH /api/users/{id}/profile}: Logto merges the given OpenID claims into the profile. Naturally
 * idempotent. Claims Logto does not store are REJECTED rather than sent, because Logto would drop them silently
 * and still answer 200.
 */
public final class UserProfileUpdateHandler implements CommandHandler<UserProfileUpdate> {

    @Override
    public Class<UserProfileUpdate> commandType() {
        return UserProfileUpdate.class;
    }

    @Override
    public String action() {
        return "user.profile.update";
    }

    @Override
    public CommandMeta meta(UserProfileUpdate command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(UserProfileUpdate command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(UserProfileUpdate c) {
        return Validation.of(c.getMeta())
                .userRef("user", c.getUser())
                .profileJson("profileJson", c.getProfileJson())
                .errors();
    }

    @Override
    public List<String> changedFields(UserProfileUpdate c) {
        return List.of("profile");
    }

    @Override
    public Future<HandlerResult> execute(UserProfileUpdate c, ExecutionContext ctx) {
        JsonObject body = new JsonObject().put("profile", new JsonObject(c.getProfileJson()));
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> ctx.logto()
                        .write(action(), HttpMethod.PATCH, user.path() + "/profile", null, body, ctx.idempotencyKey())
                        .compose(response -> response.isSuccess()
                                ? Future.succeededFuture(HandlerResult.succeeded(user.id(), Map.of()))
                                : LogtoAnswers.refusal(user.id(), response, action(), false)));
    }
}
