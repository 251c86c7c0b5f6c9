package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.IdentityReplace;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code PUT /api/users/{id}/identities/{target}}: creates (201) or replaces (200) the user's identity for one
 * social target. Naturally idempotent: putting the same identity again changes nothing. A social account linked to
 * another user ends FAILED {@code user.identity_already_in_use}. The details may carry provider tokens, so they are
 * treated as secret and Logto's messages are not copied into the outcome.
 */
public final class IdentityReplaceHandler implements CommandHandler<IdentityReplace> {

    @Override
    public Class<IdentityReplace> commandType() {
        return IdentityReplace.class;
    }

    @Override
    public String action() {
        return "user.identity.replace";
    }

    @Override
    public CommandMeta meta(IdentityReplace command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(IdentityReplace command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(IdentityReplace c) {
        return Validation.of(c.getMeta())
                .userRef("user", c.getUser())
                .requireText("target", c.getTarget(), Validation.MAX_ID)
                .requireText("socialUserId", c.getSocialUserId(), Validation.MAX_TEXT)
                .jsonObject("detailsJson", c.getDetailsJson(), false)
                .errors();
    }

    @Override
    public List<String> changedFields(IdentityReplace c) {
        return List.of("identities");
    }

    @Override
    public Future<HandlerResult> execute(IdentityReplace c, ExecutionContext ctx) {
        JsonObject body = new JsonObject().put("userId", c.getSocialUserId());
        if (c.getDetailsJson() != null) {
            body.put("details", new JsonObject(c.getDetailsJson()));
        }
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> ctx.logto()
                        .write(
                                action(),
                                HttpMethod.PUT,
                                user.path() + "/identities/" + PathSegments.encode(c.getTarget()),
                                null,
                                body,
                                ctx.idempotencyKey())
                        .compose(response -> response.isSuccess()
                                ? Future.succeededFuture(HandlerResult.succeeded(
                                        user.id(),
                                        Map.of(
                                                "target",
                                                c.getTarget(),
                                                "created",
                                                String.valueOf(response.status() == 201))))
                                : LogtoAnswers.refusal(user.id(), response, action(), true)));
    }
}
