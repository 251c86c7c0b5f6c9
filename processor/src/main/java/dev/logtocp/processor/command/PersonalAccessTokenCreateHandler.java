package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.PersonalAccessTokenCreate;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code POST /api/users/{id}/personal-access-tokens}. The token value Logto returns is a secret and is dropped:
 * the outcome says only the name and the expiry (handing the value to the issuer, encrypted to its key, is a later
 * change).
 *
 * <p>Replay: token names are unique per user, so a replay after a successful create meets 422
 * {@code user.personal_access_token_name_exists}. The handler then reads the user's tokens: a token of that name
 * with the same {@code expiresAt} is taken to be this command's earlier create and the command ends SUCCEEDED with
 * {@code details.alreadyApplied=true}; no second token exists and no value is revealed. A token of that name with a
 * different expiry belongs to another intent and the command ends FAILED with Logto's code. A token someone else
 * created with the same name and expiry is indistinguishable from ours (Logto stores no marker on tokens).
 *
 * <p>Logto inserts without looking the user up, so a missing user is a 404
 * {@code entity.relation_foreign_key_not_found}; any 404 is settled against the user's existence.
 */
public final class PersonalAccessTokenCreateHandler implements CommandHandler<PersonalAccessTokenCreate> {
    static final String NAME_EXISTS = "user.personal_access_token_name_exists";
    static final int MAX_NAME = 256;

    @Override
    public Class<PersonalAccessTokenCreate> commandType() {
        return PersonalAccessTokenCreate.class;
    }

    @Override
    public String action() {
        return "user.pat.create";
    }

    @Override
    public CommandMeta meta(PersonalAccessTokenCreate command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(PersonalAccessTokenCreate command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(PersonalAccessTokenCreate c) {
        Validation v =
                Validation.of(c.getMeta()).userRef("user", c.getUser()).requireText("name", c.getName(), MAX_NAME);
        if (c.getExpiresAt() != null && c.getExpiresAt().toEpochMilli() <= 0) {
            v.add("expiresAt", "must be after 1970-01-01");
        }
        return v.errors();
    }

    @Override
    public List<String> changedFields(PersonalAccessTokenCreate c) {
        return List.of("personalAccessTokens");
    }

    @Override
    public Future<HandlerResult> execute(PersonalAccessTokenCreate c, ExecutionContext ctx) {
        Long expiresAt = c.getExpiresAt() == null ? null : c.getExpiresAt().toEpochMilli();
        JsonObject body = new JsonObject().put("name", c.getName());
        if (expiresAt != null) {
            body.put("expiresAt", expiresAt);
        }
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> ctx.logto()
                        .write(
                                action(),
                                HttpMethod.POST,
                                user.path() + "/personal-access-tokens",
                                null,
                                body,
                                ctx.idempotencyKey())
                        .compose(response -> {
                            if (response.isSuccess()) {
                                return Future.succeededFuture(
                                        HandlerResult.succeeded(user.id(), facts(c.getName(), expiresAt, false)));
                            }
                            if (LogtoAnswers.refusedWith(response, 422, NAME_EXISTS)) {
                                return PersonalAccessTokens.list(user, ctx).map(tokens -> {
                                    var existing =
                                            tokens.map(t -> t.get(c.getName())).orElse(null);
                                    if (existing != null && Objects.equals(existing.expiresAt(), expiresAt)) {
                                        return HandlerResult.succeeded(user.id(), facts(c.getName(), expiresAt, true));
                                    }
                                    return HandlerResult.failed(
                                            user.id(),
                                            NAME_EXISTS,
                                            response.errorMessage().orElse(null),
                                            422);
                                });
                            }
                            if (response.status() == 404) {
                                return LogtoAnswers.notFoundUnlessUserMissing(ctx, user, response);
                            }
                            return LogtoAnswers.refusal(user.id(), response, action(), false);
                        }));
    }

    private static Map<String, String> facts(String name, Long expiresAt, boolean alreadyApplied) {
        Map<String, String> details = new HashMap<>();
        details.put("name", name);
        details.put(
                "expiresAt",
                expiresAt == null ? "never" : Instant.ofEpochMilli(expiresAt).toString());
        if (alreadyApplied) {
            details.put("alreadyApplied", "true");
        }
        return details;
    }
}
