package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.LogtoConfigUpdate;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code PATCH /api/users/{id}/logto-configs} with only the settings the command gives. Naturally idempotent:
 * Logto merges them into the stored settings, so the same PATCH again leaves them as they are.
 */
public final class LogtoConfigUpdateHandler implements CommandHandler<LogtoConfigUpdate> {

    @Override
    public Class<LogtoConfigUpdate> commandType() {
        return LogtoConfigUpdate.class;
    }

    @Override
    public String action() {
        return "user.logtoConfig.update";
    }

    @Override
    public CommandMeta meta(LogtoConfigUpdate command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(LogtoConfigUpdate command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(LogtoConfigUpdate c) {
        Validation v = Validation.of(c.getMeta()).userRef("user", c.getUser());
        if (changedFields(c).isEmpty()) {
            v.add("user", "the command changes nothing: give at least one setting");
        }
        return v.errors();
    }

    @Override
    public List<String> changedFields(LogtoConfigUpdate c) {
        List<String> fields = new ArrayList<>();
        if (c.getMfaEnabled() != null) fields.add("logtoConfig.mfa.enabled");
        if (c.getMfaSkipped() != null) fields.add("logtoConfig.mfa.skipped");
        if (c.getMfaSkipMfaOnSignIn() != null) fields.add("logtoConfig.mfa.skipMfaOnSignIn");
        if (c.getMfaAdditionalBindingSuggestionSkipped() != null)
            fields.add("logtoConfig.mfa.additionalBindingSuggestionSkipped");
        if (c.getPasskeySignInSkipped() != null) fields.add("logtoConfig.passkeySignIn.skipped");
        return fields;
    }

    @Override
    public Future<HandlerResult> execute(LogtoConfigUpdate c, ExecutionContext ctx) {
        JsonObject mfa = new JsonObject();
        putIfPresent(mfa, "enabled", c.getMfaEnabled());
        putIfPresent(mfa, "skipped", c.getMfaSkipped());
        putIfPresent(mfa, "skipMfaOnSignIn", c.getMfaSkipMfaOnSignIn());
        putIfPresent(mfa, "additionalBindingSuggestionSkipped", c.getMfaAdditionalBindingSuggestionSkipped());
        JsonObject body = new JsonObject();
        if (!mfa.isEmpty()) {
            body.put("mfa", mfa);
        }
        if (c.getPasskeySignInSkipped() != null) {
            body.put("passkeySignIn", new JsonObject().put("skipped", c.getPasskeySignInSkipped()));
        }
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> ctx.logto()
                        .write(
                                action(),
                                HttpMethod.PATCH,
                                user.path() + "/logto-configs",
                                null,
                                body,
                                ctx.idempotencyKey())
                        .compose(response -> response.isSuccess()
                                ? Future.succeededFuture(HandlerResult.succeeded(user.id(), Map.of()))
                                : LogtoAnswers.refusal(user.id(), response, action(), false)));
    }

    private static void putIfPresent(JsonObject json, String key, Boolean value) {
        if (value != null) {
            json.put(key, value);
        }
    }
}
