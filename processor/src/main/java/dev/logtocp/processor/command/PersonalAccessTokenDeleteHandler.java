package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.PersonalAccessTokenDelete;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /api/users/{id}/personal-access-tokens/delete {name}}: Logto 1.42's form with the name in the body,
 * which no URL encoding can alter (the {@code DELETE .../{name}} form is deprecated). Idempotent: a token already
 * deleted is answered 404 {@code entity.not_found}, as is a missing user, so the 404 is confirmed against the user:
 * user there → SUCCEEDED with {@code details.alreadyApplied=true}; user missing → FAILED {@code user_not_found}.
 */
public final class PersonalAccessTokenDeleteHandler implements CommandHandler<PersonalAccessTokenDelete> {

    @Override
    public Class<PersonalAccessTokenDelete> commandType() {
        return PersonalAccessTokenDelete.class;
    }

    @Override
    public String action() {
        return "user.pat.delete";
    }

    @Override
    public CommandMeta meta(PersonalAccessTokenDelete command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(PersonalAccessTokenDelete command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(PersonalAccessTokenDelete c) {
        return Validation.of(c.getMeta())
                .userRef("user", c.getUser())
                .requireText("name", c.getName(), PersonalAccessTokenCreateHandler.MAX_NAME)
                .errors();
    }

    @Override
    public List<String> changedFields(PersonalAccessTokenDelete c) {
        return List.of("personalAccessTokens");
    }

    @Override
    public Future<HandlerResult> execute(PersonalAccessTokenDelete c, ExecutionContext ctx) {
        JsonObject body = new JsonObject().put("name", c.getName());
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> ctx.logto()
                        .write(
                                action(),
                                HttpMethod.POST,
                                user.path() + "/personal-access-tokens/delete",
                                null,
                                body,
                                ctx.idempotencyKey())
                        .compose(response ->
                                LogtoAnswers.removal(ctx, user, response, action(), Map.of("name", c.getName()))));
    }
}
