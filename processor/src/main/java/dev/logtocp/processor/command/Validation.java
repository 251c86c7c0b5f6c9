package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
    /** Logto stores username, email, phone and name in columns of this many characters. */
    static final int MAX_USER_COLUMN = 128;

    static final int MAX_URL = 2048;
    /** The profile claims Logto's PATCH /profile guard knows; it silently drops others, so we refuse them. */
    static final Set<String> PROFILE_CLAIMS = Set.of(
            "familyName",
            "givenName",
            "middleName",
            "nickname",
            "preferredUsername",
            "profile",
            "website",
            "gender",
            "birthdate",
            "zoneinfo",
            "locale",
            "address");

    static final Set<String> ADDRESS_FIELDS =
            Set.of("formatted", "streetAddress", "locality", "region", "postalCode", "country");

    private final List<FieldError> errors = new ArrayList<>();

    public static Validation of(CommandMeta meta) {
        Validation v = new Validation();
        v.requireText("meta.commandId", meta.getCommandId(), MAX_ID);
        v.requireText("meta.idempotencyKey", meta.getIdempotencyKey(), MAX_TEXT);
        v.requireText("meta.issuer", meta.getIssuer(), MAX_ID);
        // Both end up in the Idempotency-Key header and in log lines: printable ASCII only.
        if (meta.getIdempotencyKey() != null
                && !HEADER_SAFE.matcher(meta.getIdempotencyKey()).matches()) {
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

    /** Either a plaintext password or an imported digest with its algorithm, never both. */
    public Validation passwordDigest(String password, String digest, boolean hasAlgorithm) {
        if (password != null && digest != null) {
            add("passwordDigest", "must be absent when password is given");
        }
        if (digest != null && !hasAlgorithm) {
            add("passwordAlgorithm", "is required with passwordDigest");
        }
        if (digest == null && hasAlgorithm) {
            add("passwordAlgorithm", "must be absent without passwordDigest");
        }
        return this;
    }

    /** A URL Logto accepts as an avatar: absolute http or https. */
    public Validation httpUrl(String field, String value) {
        if (value == null) {
            return this;
        }
        if (value.length() > MAX_URL) {
            return add(field, "is longer than " + MAX_URL + " characters");
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme();
            if (scheme == null
                    || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || uri.getHost() == null) {
                add(field, "must be an absolute http or https URL");
            }
        } catch (URISyntaxException e) {
            add(field, "must be an absolute http or https URL");
        }
        return this;
    }

    /**
     * A JSON object text of bounded size. The reason never quotes the parser's message: it may contain part of
     * the text, and some of these texts carry secrets.
     */
    public Validation jsonObject(String field, String json, boolean required) {
        if (json == null) {
            return required ? add(field, "is required") : this;
        }
        if (json.length() > MAX_CUSTOM_DATA_BYTES) {
            return add(field, "is larger than " + MAX_CUSTOM_DATA_BYTES + " bytes");
        }
        parseObject(field, json);
        return this;
    }

    /** OpenID profile claims as Logto's PATCH /profile accepts them: known claims, string values. */
    public Validation profileJson(String field, String json) {
        jsonObject(field, json, true);
        JsonObject profile = json == null || json.length() > MAX_CUSTOM_DATA_BYTES ? null : quietParse(json);
        if (profile == null) {
            return this;
        }
        if (profile.isEmpty()) {
            add(field, "needs at least one claim");
        }
        for (String key : profile.fieldNames()) {
            Object value = profile.getValue(key);
            if (!PROFILE_CLAIMS.contains(key)) {
                add(field + "." + key, "is not a profile claim Logto stores");
            } else if (key.equals("address")) {
                if (!(value instanceof JsonObject address)) {
                    add(field + ".address", "must be an object");
                } else {
                    for (String part : address.fieldNames()) {
                        if (!ADDRESS_FIELDS.contains(part) || !(address.getValue(part) instanceof String)) {
                            add(
                                    field + ".address." + part,
                                    "must be one of " + ADDRESS_FIELDS + " with a string value");
                        }
                    }
                }
            } else if (!(value instanceof String)) {
                add(field + "." + key, "must be a string");
            }
        }
        return this;
    }

    private void parseObject(String field, String json) {
        if (quietParse(json) == null) {
            add(field, "is not a JSON object");
        }
    }

    private static JsonObject quietParse(String json) {
        try {
            return new JsonObject(json);
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
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
