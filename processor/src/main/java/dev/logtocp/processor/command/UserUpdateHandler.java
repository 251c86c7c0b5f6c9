package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.UserField;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserUpdate;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code PATCH /api/users/{id}} with the fields the command sets and {@code null} for the fields it clears.
 * Naturally idempotent: a PATCH of the same values leaves the user as it is. Logto's 422
 * {@code user.*_already_in_use} (another user holds the username, email or phone) ends FAILED with that code.
 */
public final class UserUpdateHandler implements CommandHandler<UserUpdate> {

    @Override
    public Class<UserUpdate> commandType() {
        return UserUpdate.class;
    }

    @Override
    public String action() {
        return "user.update";
    }

    @Override
    public CommandMeta meta(UserUpdate command) {
        return command.getMeta();
    }

    @Override
    public Optional<UserRef> target(UserUpdate command) {
        return Optional.ofNullable(command.getUser());
    }

    @Override
    public List<FieldError> validate(UserUpdate c) {
        Validation v = Validation.of(c.getMeta())
                .userRef("user", c.getUser())
                .username("username", c.getUsername())
                .email("primaryEmail", c.getPrimaryEmail())
                .optionalText("primaryEmail", c.getPrimaryEmail(), Validation.MAX_USER_COLUMN)
                .phone("primaryPhone", c.getPrimaryPhone())
                .optionalText("name", c.getName(), Validation.MAX_USER_COLUMN)
                .httpUrl("avatar", c.getAvatar());
        Set<UserField> cleared = clearSet(c);
        for (UserField field : cleared) {
            if (valueOf(c, field) != null) {
                v.add("clearFields", fieldName(field) + " is both set and cleared");
            }
        }
        if (cleared.isEmpty()
                && c.getUsername() == null
                && c.getPrimaryEmail() == null
                && c.getPrimaryPhone() == null
                && c.getName() == null
                && c.getAvatar() == null) {
            v.add("user", "the command changes nothing: set or clear at least one field");
        }
        return v.errors();
    }

    @Override
    public List<String> changedFields(UserUpdate c) {
        List<String> fields = new ArrayList<>();
        Set<UserField> cleared = clearSet(c);
        for (UserField field : UserField.values()) {
            if (valueOf(c, field) != null || cleared.contains(field)) {
                fields.add(fieldName(field));
            }
        }
        return fields;
    }

    @Override
    public Future<HandlerResult> execute(UserUpdate c, ExecutionContext ctx) {
        JsonObject body = new JsonObject();
        Set<UserField> cleared = clearSet(c);
        for (UserField field : UserField.values()) {
            String value = valueOf(c, field);
            if (value != null) {
                body.put(fieldName(field), value);
            } else if (cleared.contains(field)) {
                // Logto clears a column when it is sent as an explicit null.
                body.putNull(fieldName(field));
            }
        }
        return ctx.users()
                .resolve(c.getUser())
                .compose(user -> ctx.logto()
                        .write(action(), HttpMethod.PATCH, user.path(), null, body, ctx.idempotencyKey())
                        .compose(response -> response.isSuccess()
                                ? Future.succeededFuture(HandlerResult.succeeded(user.id(), Map.of()))
                                : LogtoAnswers.refusal(user.id(), response, action(), false)));
    }

    private static Set<UserField> clearSet(UserUpdate c) {
        return c.getClearFields() == null || c.getClearFields().isEmpty()
                ? Set.of()
                : EnumSet.copyOf(c.getClearFields());
    }

    private static String valueOf(UserUpdate c, UserField field) {
        return switch (field) {
            case USERNAME -> c.getUsername();
            case PRIMARY_EMAIL -> c.getPrimaryEmail();
            case PRIMARY_PHONE -> c.getPrimaryPhone();
            case NAME -> c.getName();
            case AVATAR -> c.getAvatar();
        };
    }

    /** The Logto attribute name of a field. */
    static String fieldName(UserField field) {
        return switch (field) {
            case USERNAME -> "username";
            case PRIMARY_EMAIL -> "primaryEmail";
            case PRIMARY_PHONE -> "primaryPhone";
            case NAME -> "name";
            case AVATAR -> "avatar";
        };
    }
}
