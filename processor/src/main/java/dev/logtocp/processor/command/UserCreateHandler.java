package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import dev.logtocp.processor.logto.LogtoResponse;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /api/users}. Logto has no idempotency keys, so the create stores the command's (issuer,
 * idempotencyKey) in the new user's customData under {@value #RESERVED_KEY}. When a retry meets
 * {@code user.*_already_in_use}, the user holding that username, email or phone is looked up: if it carries our
 * key, an earlier attempt created it and the command SUCCEEDED; otherwise someone else holds the name and the
 * command FAILED with Logto's code.
 */
public final class UserCreateHandler implements CommandHandler<UserCreate> {
    public static final String RESERVED_KEY = "logtoCommandProcessor";

    @Override
    public Class<UserCreate> commandType() {
        return UserCreate.class;
    }

    @Override
    public String action() {
        return "user.create";
    }

    @Override
    public CommandMeta meta(UserCreate command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(UserCreate command) {
        return Optional.empty();
    }

    @Override
    public List<FieldError> validate(UserCreate c) {
        Validation v = Validation.of(c.getMeta());
        if (c.getProfileJson() != null) {
            // Logto's create guard drops unknown claims silently (measured), so they are refused here.
            v.profileJson("profileJson", c.getProfileJson());
        }
        return v.username("username", c.getUsername())
                .email("primaryEmail", c.getPrimaryEmail())
                .phone("primaryPhone", c.getPrimaryPhone())
                .optionalText("name", c.getName(), Validation.MAX_TEXT)
                .optionalText("avatar", c.getAvatar(), 2048)
                .optionalText("externalId", c.getExternalId(), Validation.MAX_ID)
                .secret("password", c.getPassword(), 256)
                .secret("passwordDigest", c.getPasswordDigest(), 256)
                .customDataJson("customDataJson", c.getCustomDataJson(), RESERVED_KEY)
                .passwordDigest(c.getPassword(), c.getPasswordDigest(), c.getPasswordAlgorithm() != null)
                .errors();
    }

    @Override
    public List<String> changedFields(UserCreate c) {
        List<String> fields = new ArrayList<>();
        if (c.getUsername() != null) fields.add("username");
        if (c.getPrimaryEmail() != null) fields.add("primaryEmail");
        if (c.getPrimaryPhone() != null) fields.add("primaryPhone");
        if (c.getName() != null) fields.add("name");
        if (c.getAvatar() != null) fields.add("avatar");
        if (c.getProfileJson() != null) fields.add("profile");
        if (c.getPassword() != null || c.getPasswordDigest() != null) fields.add("password");
        fields.add("customData");
        return fields;
    }

    @Override
    public Future<HandlerResult> execute(UserCreate c, ExecutionContext ctx) {
        if (c.getExternalId() == null) {
            return create(c, ctx);
        }
        // An externalId names one user. If it is already mapped, only our own earlier attempt may proceed (and will
        // find its user through Logto's "already in use"); anyone else's user keeps it.
        Optional<String> mapped = ctx.users().mappedExternalId(c.getExternalId());
        if (mapped.isEmpty()) {
            return create(c, ctx);
        }
        return ctx.logto()
                .get("user.get", "/api/users/" + PathSegments.encode(mapped.get()), Map.of())
                .compose(answer -> {
                    Optional<LogtoResponse> found = LogtoAnswers.found(answer, "user.get");
                    if (found.isEmpty()) {
                        return create(c, ctx);
                    }
                    JsonObject stored = found.get()
                            .json()
                            .getJsonObject("customData", new JsonObject())
                            .getJsonObject(RESERVED_KEY);
                    boolean ours = stored != null
                            && c.getMeta().getIssuer().equals(stored.getString("issuer"))
                            && c.getMeta().getIdempotencyKey().equals(stored.getString("idempotencyKey"));
                    return ours
                            ? create(c, ctx)
                            : Future.succeededFuture(HandlerResult.failed(
                                    mapped.get(),
                                    "external_id_in_use",
                                    "another user already has this externalId",
                                    null));
                });
    }

    @Override
    public Optional<String> establishesExternalId(UserCreate command) {
        return Optional.ofNullable(command.getExternalId());
    }

    private Future<HandlerResult> create(UserCreate c, ExecutionContext ctx) {
        JsonObject marker = marker(c.getMeta(), c.getExternalId());
        JsonObject customData =
                c.getCustomDataJson() == null ? new JsonObject() : new JsonObject(c.getCustomDataJson());
        customData.put(RESERVED_KEY, marker);
        JsonObject body = new JsonObject().put("customData", customData);
        putIfPresent(body, "username", c.getUsername());
        putIfPresent(body, "primaryEmail", c.getPrimaryEmail());
        putIfPresent(body, "primaryPhone", c.getPrimaryPhone());
        putIfPresent(body, "name", c.getName());
        putIfPresent(body, "avatar", c.getAvatar());
        putIfPresent(body, "password", c.getPassword());
        putIfPresent(body, "passwordDigest", c.getPasswordDigest());
        if (c.getProfileJson() != null) {
            body.put("profile", new JsonObject(c.getProfileJson()));
        }
        if (c.getPasswordAlgorithm() != null) {
            // The Avro symbols are spelled as Logto spells the algorithms.
            body.put("passwordAlgorithm", c.getPasswordAlgorithm().name());
        }
        return ctx.logto()
                .write(action(), HttpMethod.POST, "/api/users", null, body, ctx.idempotencyKey())
                .compose(response -> decide(c, marker, response, ctx));
    }

    private Future<HandlerResult> decide(
            UserCreate c, JsonObject marker, LogtoResponse response, ExecutionContext ctx) {
        if (response.status() == 200 || response.status() == 201) {
            return Future.succeededFuture(
                    HandlerResult.succeeded(response.json().getString("id"), Map.of()));
        }
        String code = response.errorCode().orElse(null);
        if (response.status() == 422 && code != null) {
            // 422 user.*_already_in_use may be this command's own earlier create: the holder's marker decides.
            Optional<Map.Entry<String, String>> holder = switch (code) {
                case "user.username_already_in_use" -> entry("username", c.getUsername());
                case "user.email_already_in_use" -> entry("primaryEmail", c.getPrimaryEmail());
                case "user.phone_already_in_use" -> entry("primaryPhone", c.getPrimaryPhone());
                default -> Optional.empty();
            };
            if (holder.isPresent()) {
                return findOwnCreate(
                                holder.get(), code.equals("user.email_already_in_use") ? "false" : "true", marker, ctx)
                        .map(ownId -> ownId.map(id -> HandlerResult.succeeded(id, Map.of("alreadyApplied", "true")))
                                .orElseGet(() -> HandlerResult.failed(
                                        null, code, response.errorMessage().orElse(code), 422)));
            }
        }
        // Not a path under a user: no 404 here means a missing user. The message stays out of the outcome when the
        // create carries a password, as for every command with a secret.
        return LogtoAnswers.refused(null, response, action(), c.getPassword() != null || c.getPasswordDigest() != null);
    }

    /** The id of the user holding {@code field=value} if our own earlier attempt created it. */
    private Future<Optional<String>> findOwnCreate(
            Map.Entry<String, String> field, String caseSensitive, JsonObject marker, ExecutionContext ctx) {
        Map<String, String> query = Map.of(
                "search." + field.getKey(),
                field.getValue(),
                "mode." + field.getKey(),
                "exact",
                "isCaseSensitive",
                caseSensitive);
        return ctx.logto().get("user.search", "/api/users", query).map(response -> {
            JsonArray users = LogtoAnswers.ok(response, "user.search").jsonArray();
            for (int i = 0; i < users.size(); i++) {
                JsonObject user = users.getJsonObject(i);
                JsonObject customData = user.getJsonObject("customData", new JsonObject());
                JsonObject stored = customData.getJsonObject(RESERVED_KEY);
                if (stored != null
                        && marker.getString("issuer").equals(stored.getString("issuer"))
                        && marker.getString("idempotencyKey").equals(stored.getString("idempotencyKey"))) {
                    return Optional.of(user.getString("id"));
                }
            }
            return Optional.<String>empty();
        });
    }

    static JsonObject marker(CommandMeta meta, String externalId) {
        JsonObject marker = new JsonObject()
                .put("issuer", meta.getIssuer())
                .put("idempotencyKey", meta.getIdempotencyKey())
                .put("commandId", meta.getCommandId());
        if (externalId != null) {
            marker.put("externalId", externalId);
        }
        return marker;
    }

    private static Optional<Map.Entry<String, String>> entry(String field, String value) {
        return value == null ? Optional.empty() : Optional.of(Map.entry(field, value));
    }

    private static void putIfPresent(JsonObject body, String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
    }
}
