package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.UserCustomDataMerge;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code PATCH /api/users/{id}/custom-data}: Logto merges the given top-level keys into customData. Naturally
 * idempotent: merging the same keys again leaves customData as it is. The key the processor keeps its create
 * marker under ({@value UserCreateHandler#RESERVED_KEY}) may not be written, so that UserCreate replays stay
 * recognisable.
 */
public final class UserCustomDataMergeHandler implements CommandHandler<UserCustomDataMerge> {

    @Override
    public Class<UserCustomDataMerge> commandType() {
        return UserCustomDataMerge.class;
    }

    @Override
    public String action() {
        return "user.customData.merge";
    }

    @Override
    public CommandMeta meta(UserCustomDataMerge command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(UserCustomDataMerge command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(UserCustomDataMerge c) {
        Validation v = Validation.of(c.getMeta()).userRef("user", c.getUser());
        if (c.getCustomDataJson() == null) {
            v.add("customDataJson", "is required");
        }
        return v.customDataJson("customDataJson", c.getCustomDataJson(), UserCreateHandler.RESERVED_KEY)
                .errors();
    }

    @Override
    public List<String> changedFields(UserCustomDataMerge c) {
        return List.of("customData");
    }

    @Override
    public Future<HandlerResult> execute(UserCustomDataMerge c, ExecutionContext ctx) {
        JsonObject body = new JsonObject().put("customData", new JsonObject(c.getCustomDataJson()));
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> ctx.logto()
                        .write(
                                action(),
                                HttpMethod.PATCH,
                                user.path() + "/custom-data",
                                null,
                                body,
                                ctx.idempotencyKey())
                        .compose(response -> response.isSuccess()
                                ? Future.succeededFuture(HandlerResult.succeeded(user.id(), Map.of()))
                                : LogtoAnswers.refusal(user.id(), response, action(), false)));
    }
}
