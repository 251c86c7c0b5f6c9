package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.IdentityUnlink;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code DELETE /api/users/{id}/identities/{target}}. Idempotent: Logto looks the user up first (404
 * {@code entity.not_found} → FAILED {@code user_not_found}) and then answers 404 {@code user.identity_not_exist}
 * for an identity that is not there, which ends SUCCEEDED with {@code details.alreadyApplied=true}.
 */
public final class IdentityUnlinkHandler implements CommandHandler<IdentityUnlink> {
    static final String IDENTITY_NOT_EXIST = "user.identity_not_exist";

    @Override
    public Class<IdentityUnlink> commandType() {
        return IdentityUnlink.class;
    }

    @Override
    public String action() {
        return "user.identity.unlink";
    }

    @Override
    public CommandMeta meta(IdentityUnlink command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(IdentityUnlink command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(IdentityUnlink c) {
        return Validation.of(c.getMeta())
                .userRef("user", c.getUser())
                .requireText("target", c.getTarget(), Validation.MAX_ID)
                .errors();
    }

    @Override
    public List<String> changedFields(IdentityUnlink c) {
        return List.of("identities");
    }

    @Override
    public Future<HandlerResult> execute(IdentityUnlink c, ExecutionContext ctx) {
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> ctx.logto()
                        .write(
                                action(),
                                HttpMethod.DELETE,
                                user.path() + "/identities/" + PathSegments.encode(c.getTarget()),
                                null,
                                null,
                                ctx.idempotencyKey())
                        .compose(response -> LogtoAnswers.goneOn404(
                                user.id(),
                                response,
                                IDENTITY_NOT_EXIST,
                                Map.of("target", c.getTarget()),
                                refused -> LogtoAnswers.refusal(user.id(), refused, action(), false))));
    }
}
