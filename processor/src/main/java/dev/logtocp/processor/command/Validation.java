package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Collects field-level problems before any Logto call, mirroring the formats Logto itself enforces so that a
 * command Logto would refuse is REJECTED up front. Reasons never repeat the offending value: it may be a secret.
 */
public final class Validation {
    /** Logto's username rule. */
    static final Pattern USERNAME = Pattern.compile("^[A-Z_a-z]\\w*$");
    /** Close to Logto's email check: one @, no spaces, a dot in the domain. */
    static final Pattern EMAIL = Pattern.compile("^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$");
    static final Pattern PHONE = Pattern.compile("^\\d{4,20}$");
    static final Pattern HEADER_SAFE = Pattern.compile("^[\\x21-\\x7E]*$");
    static final Pattern ISSUER = Pattern.compile("^[A-Za-z0-9._-]*$");
    static final int MAX_TEXT = 256;
    static final int MAX_ID = 128;
    static final int MAX_CUSTOM_DATA_BYTES = 32 * 1024;

    private final List<FieldError> errors = new ArrayList<>();

    public static Validation of(CommandMeta meta) {
        Validation v = new Validation();
        v.requireText("meta.commandId", meta.getCommandId(), MAX_ID);
        v.requireText("meta.idempotencyKey", meta.getIdempotencyKey(), MAX_TEXT);
        v.requireText("meta.issuer", meta.getIssuer(), MAX_ID);
        // Both end up in the Idempotency-Key header and in log lines: printable ASCII only.
        if (meta.getIdempotencyKey() != null && !HEADER_SAFE.matcher(meta.getIdempotencyKey()).matches()) {
            v.add("meta.idempotencyKey", "must be printable ASCII without spaces");
        }
        if (meta.getIssuer() != null && !ISSUER.matcher(meta.getIssuer()).matches()) {
            v.add("meta.issuer", "may contain only letters, digits, '.', '_', '-'");
        }
        v.optionalText("meta.correlationId", meta.getCorrelationId(), MAX_TEXT);
        return v;
    }

    public Validation requireText(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            add(field, "is required");
        } else if (value.length() > maxLength) {
            add(field, "is longer than " + maxLength + " characters");
        }
        return this;
    }

    public Validation optionalText(String field, String value, int maxLength) {
        if (value != null && value.length() > maxLength) {
            add(field, "is longer than " + maxLength + " characters");
        }
        return this;
    }

    public Validation userRef(String field, UserRef ref) {
        if (ref == null) {
            return add(field, "is required");
        }
        requireText(field + ".value", ref.getValue(), MAX_TEXT);
        return this;
    }

    public Validation username(String field, String value) {
        if (value != null && !USERNAME.matcher(value).matches()) {
            add(field, "must start with a letter or underscore and contain only letters, digits and underscores");
        }
        return optionalText(field, value, MAX_ID);
    }

    public Validation email(String field, String value) {
        if (value != null && (value.length() > MAX_TEXT || !EMAIL.matcher(value).matches())) {
            add(field, "is not a valid email address");
        }
        return this;
    }

    public Validation phone(String field, String value) {
        if (value != null && !PHONE.matcher(value).matches()) {
            add(field, "must be 4 to 20 digits");
        }
        return this;
    }

    public Validation secret(String field, String value, int maxLength) {
        if (value != null && (value.isEmpty() || value.length() > maxLength)) {
            add(field, "must be 1 to " + maxLength + " characters");
        }
        return this;
    }

    /** customData must be a JSON object of bounded size, without the key the processor reserves. */
    public Validation customDataJson(String field, String json, String reservedKey) {
        if (json == null) {
            return this;
        }
        if (json.length() > MAX_CUSTOM_DATA_BYTES) {
            return add(field, "is larger than " + MAX_CUSTOM_DATA_BYTES + " bytes");
        }
        try {
            JsonObject parsed = new JsonObject(json);
            if (parsed.containsKey(reservedKey)) {
                add(field, "must not contain the reserved key " + reservedKey);
            }
        } catch (DecodeException | ClassCastException e) {
            add(field, "is not a JSON object");
        }
        return this;
    }

    public Validation nonEmpty(String field, List<?> values, int maxItems) {
        if (values == null || values.isEmpty()) {
            add(field, "needs at least one item");
        } else if (values.size() > maxItems) {
            add(field, "has more than " + maxItems + " items");
        }
        return this;
    }

    public Validation add(String field, String reason) {
        errors.add(new FieldError(field, reason));
        return this;
    }

    public List<FieldError> errors() {
        return List.copyOf(errors);
    }
}
