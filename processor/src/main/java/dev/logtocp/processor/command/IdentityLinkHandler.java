package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.IdentityLink;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /api/users/{id}/identities}: Logto hands {@code connectorData} to the social connector and links the
 * identity the connector answers with.
 *
 * <p>Replay: Logto stores the identity under the connector's target, so linking the same social account again
 * rewrites the same entry and changes nothing; a replay then ends SUCCEEDED. But the processor cannot tell that
 * in advance: connectorData usually carries a one-time authorization code, and a real connector refuses a code it
 * has already exchanged, so a replay after a successful link may end FAILED with the connector's code even though
 * the identity is linked. Issuers that need certainty should follow a FAILED replay with a read of the user's
 * identities, or use {@code IdentityReplace} when they already know the social user id (that one is naturally
 * idempotent). connectorData is secret: it goes into the request body only, and Logto's messages are not copied
 * into the outcome.
 */
public final class IdentityLinkHandler implements CommandHandler<IdentityLink> {
    static final String CONNECTOR_NOT_FOUND = "connector_not_found";

    @Override
    public Class<IdentityLink> commandType() {
        return IdentityLink.class;
    }

    @Override
    public String action() {
        return "user.identity.link";
    }

    @Override
    public CommandMeta meta(IdentityLink command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(IdentityLink command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(IdentityLink c) {
        return Validation.of(c.getMeta())
                .userRef("user", c.getUser())
                .requireText("connectorId", c.getConnectorId(), Validation.MAX_ID)
                .jsonObject("connectorDataJson", c.getConnectorDataJson(), true)
                .errors();
    }

    @Override
    public List<String> changedFields(IdentityLink c) {
        return List.of("identities");
    }

    @Override
    public Future<HandlerResult> execute(IdentityLink c, ExecutionContext ctx) {
        JsonObject body = new JsonObject()
                .put("connectorId", c.getConnectorId())
                .put("connectorData", new JsonObject(c.getConnectorDataJson()));
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> ctx.logto()
                        .write(action(), HttpMethod.POST, user.path() + "/identities", null, body, ctx.idempotencyKey())
                        .compose(response -> {
                            if (response.isSuccess()) {
                                return Future.succeededFuture(
                                        HandlerResult.succeeded(user.id(), Map.of("connectorId", c.getConnectorId())));
                            }
                            if (LogtoAnswers.refusedWith(response, 404, "entity.not_found")) {
                                // Logto looks the user and the connector up at once and answers this for either: the
                                // user is
                                // asked for, and if it is there the connector is what is missing.
                                return LogtoAnswers.unlessUserMissing(
                                        ctx,
                                        user,
                                        () -> HandlerResult.failed(
                                                user.id(),
                                                CONNECTOR_NOT_FOUND,
                                                "no connector with id " + c.getConnectorId(),
                                                404));
                            }
                            return LogtoAnswers.refusal(user.id(), response, action(), true);
                        }));
    }
}
