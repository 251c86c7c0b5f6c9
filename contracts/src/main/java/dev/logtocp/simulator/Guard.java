package dev.logtocp.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Validates a request body field by field and collects every problem before failing, the way Logto's Zod guards
 * do, so a client sees all issues of a body in one 400 {@code guard.invalid_input}. One instance per request;
 * not thread-safe.
 */
final class Guard {

    static final Pattern USERNAME = Pattern.compile("^[A-Z_a-z]\\w*$");
    static final Pattern EMAIL = Pattern.compile("^\\S+@\\S+\\.\\S+$");
    static final Pattern PHONE = Pattern.compile("^\\d+$");

    private final JsonObject body;
    private final List<JsonObject> issues = new ArrayList<>();

    Guard(JsonObject body) {
        this.body = body;
    }

    /** A string that may be absent; {@code nullable} also admits an explicit null; {@code pattern} may be null. */
    Guard string(String key, Pattern pattern, boolean nullable) {
        if (!body.containsKey(key)) {
            return this;
        }
        Object value = body.getValue(key);
        if (value == null) {
            if (!nullable) {
                typeIssue(key, "string", value);
            }
        } else if (!(value instanceof String s)) {
            typeIssue(key, "string", value);
        } else if (pattern != null && !pattern.matcher(s).matches()) {
            issues.add(stringIssue(key, "regex"));
        }
        return this;
    }

    /**
     * A string of PATCH {@code /api/users/{id}}: absent, null, empty (Logto stores null for both) or matching
     * {@code pattern} (null: any string).
     */
    Guard clearableString(String key, Pattern pattern) {
        Object value = body.getValue(key);
        if (value instanceof String s && s.isEmpty()) {
            return this;
        }
        return string(key, pattern, true);
    }

    /** Zod's {@code string().url()}, optionally also {@code ''} and null, as Logto's avatar fields are. */
    Guard url(String key, boolean emptyOrNull) {
        if (!body.containsKey(key)) {
            return this;
        }
        Object value = body.getValue(key);
        if (value == null || value instanceof String s && s.isEmpty()) {
            if (!emptyOrNull) {
                if (value == null) {
                    typeIssue(key, "string", null);
                } else {
                    issues.add(stringIssue(key, "url"));
                }
            }
            return this;
        }
        if (!(value instanceof String s)) {
            typeIssue(key, "string", value);
        } else if (!isUrl(s)) {
            issues.add(stringIssue(key, "url"));
        }
        return this;
    }

    /** Close to the WHATWG URL parser zod uses: an absolute URI with a scheme and no illegal characters. */
    private static boolean isUrl(String value) {
        try {
            URI uri = new URI(value);
            return uri.getScheme() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** A required string of at least one character. */
    Guard requiredString(String key) {
        return requiredString(key, 1, Integer.MAX_VALUE);
    }

    /** A required string whose length is in {@code [min, max]}. */
    Guard requiredString(String key, int min, int max) {
        Object value = body.getValue(key);
        if (!(value instanceof String s)) {
            typeIssue(key, "string", value);
        } else {
            length(key, s, min, max);
        }
        return this;
    }

    /** An optional string whose length, when present, is in {@code [min, max]}. */
    Guard optionalString(String key, int min, int max) {
        if (!body.containsKey(key)) {
            return this;
        }
        Object value = body.getValue(key);
        if (!(value instanceof String s)) {
            typeIssue(key, "string", value);
        } else {
            length(key, s, min, max);
        }
        return this;
    }

    private void length(String key, String s, int min, int max) {
        if (s.length() < min) {
            issues.add(new JsonObject()
                    .put("code", "too_small")
                    .put("minimum", min)
                    .put("type", "string")
                    .put("inclusive", true)
                    .put("exact", false)
                    .put("message", "String must contain at least " + min + " character(s)")
                    .put("path", path(key)));
        } else if (s.length() > max) {
            issues.add(new JsonObject()
                    .put("code", "too_big")
                    .put("maximum", max)
                    .put("type", "string")
                    .put("inclusive", true)
                    .put("exact", false)
                    .put("message", "String must contain at most " + max + " character(s)")
                    .put("path", path(key)));
        }
    }

    Guard object(String key, boolean required) {
        if (!body.containsKey(key) && !required) {
            return this;
        }
        Object value = body.getValue(key);
        if (!(value instanceof JsonObject)) {
            typeIssue(key, "object", value);
        }
        return this;
    }

    Guard bool(String key, boolean required) {
        if (!body.containsKey(key) && !required) {
            return this;
        }
        Object value = body.getValue(key);
        if (!(value instanceof Boolean)) {
            typeIssue(key, "boolean", value);
        }
        return this;
    }

    /** An optional boolean inside an optional object field, e.g. {@code mfa.skipped}. */
    Guard nestedBool(String parent, String key) {
        if (body.getValue(parent) instanceof JsonObject object && object.containsKey(key)) {
            Object value = object.getValue(key);
            if (!(value instanceof Boolean)) {
                issues.add(typeIssue(new JsonArray().add(parent).add(key), "boolean", typeName(value)));
            }
        }
        return this;
    }

    Guard number(String key, boolean nullable) {
        if (!body.containsKey(key)) {
            return this;
        }
        Object value = body.getValue(key);
        if (value == null ? !nullable : !(value instanceof Number)) {
            typeIssue(key, "number", value);
        }
        return this;
    }

    Guard stringArray(String key) {
        return stringArray(key, true);
    }

    Guard stringArray(String key, boolean required) {
        if (!body.containsKey(key) && !required) {
            return this;
        }
        Object value = body.getValue(key);
        if (!(value instanceof JsonArray array)) {
            typeIssue(key, "array", value);
            return this;
        }
        for (int i = 0; i < array.size(); i++) {
            Object item = array.getValue(i);
            if (!(item instanceof String)) {
                issues.add(typeIssue(new JsonArray().add(key).add(i), "string", typeName(item)));
            }
        }
        return this;
    }

    /**
     * Zod's {@code z.string().min(1).array()}, optionally {@code .nonempty()} and optionally {@code .optional()}:
     * an array of non-empty strings.
     */
    Guard idArray(String key, boolean nonEmpty, boolean required) {
        if (!body.containsKey(key) && !required) {
            return this;
        }
        int before = issues.size();
        stringArray(key);
        if (issues.size() > before) {
            return this;
        }
        JsonArray array = body.getJsonArray(key);
        if (nonEmpty && array.isEmpty()) {
            issues.add(new JsonObject()
                    .put("code", "too_small")
                    .put("minimum", 1)
                    .put("type", "array")
                    .put("inclusive", true)
                    .put("exact", false)
                    .put("message", "Array must contain at least 1 element(s)")
                    .put("path", path(key)));
        }
        for (int i = 0; i < array.size(); i++) {
            if (array.getString(i).isEmpty()) {
                issues.add(new JsonObject()
                        .put("code", "too_small")
                        .put("minimum", 1)
                        .put("type", "string")
                        .put("inclusive", true)
                        .put("exact", false)
                        .put("message", "String must contain at least 1 character(s)")
                        .put("path", new JsonArray().add(key).add(i)));
            }
        }
        return this;
    }

    /** Zod's {@code nativeEnum}: a present value must be one of {@code allowed}. */
    Guard oneOf(String key, List<String> allowed, boolean required) {
        if (!body.containsKey(key)) {
            if (required) {
                typeIssue(key, quoted(allowed), null);
            }
            return this;
        }
        Object value = body.getValue(key);
        if (!(value instanceof String s) || !allowed.contains(s)) {
            issues.add(enumIssue(path(key), value, allowed));
        }
        return this;
    }

    /** The issue of a discriminated union whose discriminator {@code key} is missing or unknown. */
    Guard discriminator(String key, List<String> allowed) {
        Object value = body.getValue(key);
        if (!(value instanceof String s) || !allowed.contains(s)) {
            issues.add(new JsonObject()
                    .put("code", "invalid_union_discriminator")
                    .put("options", new JsonArray(new ArrayList<>(allowed)))
                    .put("path", path(key))
                    .put("message", "Invalid discriminator value. Expected " + quoted(allowed)));
        }
        return this;
    }

    void check() {
        if (!issues.isEmpty()) {
            throw invalid(issues);
        }
    }

    /** The error for a body that is not a JSON object at all (e.g. sent as text/plain, or an array). */
    static ApiError notAnObject(Object received) {
        return invalid(List.of(typeIssue(new JsonArray(), "object", typeName(received))));
    }

    /**
     * A 400 for a query parameter outside its enum: the same guard code as a bad body, with "The request query is
     * invalid." as its message (measured on Logto 1.42).
     */
    static ApiError invalidEnumQuery(String key, String received, List<String> options) {
        String expected =
                String.join(" | ", options.stream().map(o -> "'" + o + "'").toList());
        JsonObject issue = new JsonObject()
                .put("received", received)
                .put("code", "invalid_enum_value")
                .put("options", new JsonArray(new ArrayList<>(options)))
                .put("path", new JsonArray().add(key))
                .put("message", "Invalid enum value. Expected " + expected + ", received '" + received + "'");
        return invalid(List.of(issue), "The request query is invalid.");
    }

    private static JsonObject enumIssue(JsonArray path, Object received, List<String> allowed) {
        String shown = received instanceof String s ? "'" + s + "'" : String.valueOf(received);
        return new JsonObject()
                .put("received", received)
                .put("code", "invalid_enum_value")
                .put("options", new JsonArray(new ArrayList<>(allowed)))
                .put("path", path)
                .put("message", "Invalid enum value. Expected " + quoted(allowed) + ", received " + shown);
    }

    private static String quoted(List<String> allowed) {
        StringBuilder sb = new StringBuilder();
        for (String option : allowed) {
            if (!sb.isEmpty()) {
                sb.append(" | ");
            }
            sb.append('\'').append(option).append('\'');
        }
        return sb.toString();
    }

    /** A 400 for one value deep in the body, e.g. path {@code ["profile", "givenName"]}. */
    static ApiError invalidTypeAt(JsonArray path, String expected, Object received) {
        return invalid(List.of(new JsonObject()
                .put("code", "invalid_type")
                .put("expected", expected)
                .put("received", typeName(received))
                .put("path", path.copy())
                .put("message", "Expected " + expected + ", received " + typeName(received))));
    }

    private static ApiError invalid(List<JsonObject> issues) {
        return invalid(issues, "The request body is invalid.");
    }

    private static ApiError invalid(List<JsonObject> issues, String message) {
        StringBuilder details = new StringBuilder();
        for (JsonObject issue : issues) {
            if (!details.isEmpty()) {
                details.append('\n');
            }
            // Logto words type errors itself in details and keeps zod's message for the rest.
            details.append("Error in key path \"")
                    .append(joinPath(issue.getJsonArray("path")))
                    .append("\": (")
                    .append(issue.getString("code"))
                    .append(") ");
            if ("invalid_type".equals(issue.getString("code"))) {
                details.append("Expected ")
                        .append(issue.getString("expected"))
                        .append(" but received ")
                        .append(issue.getString("received"))
                        .append('.');
            } else {
                details.append(issue.getString("message"));
            }
        }
        JsonObject body = new JsonObject()
                .put("code", "guard.invalid_input")
                .put(
                        "data",
                        new JsonObject()
                                .put("issues", new JsonArray(new ArrayList<>(issues)))
                                .put("name", "ZodError"))
                .put("details", details.toString())
                .put("message", message);
        return ApiError.raw(400, body);
    }

    private static String joinPath(JsonArray path) {
        StringBuilder sb = new StringBuilder();
        for (Object part : path) {
            if (!sb.isEmpty()) {
                sb.append('.');
            }
            sb.append(part);
        }
        return sb.toString();
    }

    private void typeIssue(String key, String expected, Object value) {
        String received = body.containsKey(key) ? typeName(value) : "undefined";
        issues.add(typeIssue(path(key), expected, received));
    }

    /** Zod's invalid_type issue, keys in zod's order; a missing value is "Required". */
    private static JsonObject typeIssue(JsonArray path, String expected, String received) {
        String message = received.equals("undefined") ? "Required" : "Expected " + expected + ", received " + received;
        return new JsonObject()
                .put("code", "invalid_type")
                .put("expected", expected)
                .put("received", received)
                .put("path", path)
                .put("message", message);
    }

    private static JsonObject stringIssue(String key, String validation) {
        return new JsonObject()
                .put("validation", validation)
                .put("code", "invalid_string")
                .put("message", validation.equals("url") ? "Invalid url" : "Invalid")
                .put("path", path(key));
    }

    private static JsonArray path(String key) {
        return new JsonArray().add(key);
    }

    static String typeName(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Number) {
            return "number";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof JsonArray) {
            return "array";
        }
        return "object";
    }
}
