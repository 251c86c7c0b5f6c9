package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.PersonalAccessTokenUpdate;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code PATCH /api/users/{id}/personal-access-tokens {currentName, name}}: Logto 1.42's form with both names in the
 * body (the {@code PATCH .../{currentName}} form is deprecated), renaming the token (the only attribute Logto lets
 * one change). Idempotent: after a successful rename a replay meets 404 {@code entity.not_exists} (Logto answers the
 * same for a missing user), and the handler reads the user's tokens: new name present and current name gone →
 * SUCCEEDED with {@code details.alreadyApplied=true}; user gone → FAILED {@code user_not_found}; otherwise the token
 * never existed → FAILED with Logto's code. A new name already taken by another token ends FAILED
 * {@code user.personal_access_token_name_exists}.
 */
public final class PersonalAccessTokenUpdateHandler implements CommandHandler<PersonalAccessTokenUpdate> {

    @Override
    public Class<PersonalAccessTokenUpdate> commandType() {
        return PersonalAccessTokenUpdate.class;
    }

    @Override
    public String action() {
        return "user.pat.update";
    }

    @Override
    public CommandMeta meta(PersonalAccessTokenUpdate command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(PersonalAccessTokenUpdate command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(PersonalAccessTokenUpdate c) {
        Validation v = Validation.of(c.getMeta())
                .userRef("user", c.getUser())
                .requireText("currentName", c.getCurrentName(), PersonalAccessTokenCreateHandler.MAX_NAME)
                .requireText("newName", c.getNewName(), PersonalAccessTokenCreateHandler.MAX_NAME);
        if (c.getCurrentName() != null && c.getCurrentName().equals(c.getNewName())) {
            v.add("newName", "is the same as currentName");
        }
        return v.errors();
    }

    @Override
    public List<String> changedFields(PersonalAccessTokenUpdate c) {
        return List.of("personalAccessTokens");
    }

    @Override
    public Future<HandlerResult> execute(PersonalAccessTokenUpdate c, ExecutionContext ctx) {
        JsonObject body =
                new JsonObject().put("currentName", c.getCurrentName()).put("name", c.getNewName());
        Map<String, String> renamed = Map.of("name", c.getNewName());
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> ctx.logto()
                        .write(
                                action(),
                                HttpMethod.PATCH,
                                user.path() + "/personal-access-tokens",
                                null,
                                body,
                                ctx.idempotencyKey())
                        .compose(response -> {
                            if (response.isSuccess()) {
                                return Future.succeededFuture(HandlerResult.succeeded(user.id(), renamed));
                            }
                            if (response.status() == 404) {
                                return PersonalAccessTokens.list(user, ctx).map(tokens -> {
                                    if (tokens.isEmpty()) {
                                        return LogtoAnswers.userNotFound(user.id());
                                    }
                                    Map<String, PersonalAccessTokens.TokenFacts> byName = tokens.get();
                                    if (byName.containsKey(c.getNewName()) && !byName.containsKey(c.getCurrentName())) {
                                        return HandlerResult.succeeded(
                                                user.id(), Map.of("name", c.getNewName(), "alreadyApplied", "true"));
                                    }
                                    return HandlerResult.failed(
                                            user.id(),
                                            response.errorCode().orElse("http_404"),
                                            "no personal access token with that name",
                                            404);
                                });
                            }
                            return LogtoAnswers.refusal(user.id(), response, action(), false);
                        }));
    }
}
