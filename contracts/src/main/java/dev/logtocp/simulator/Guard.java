package dev.logtocp.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
      issues.add(issue(key, "invalid_string", "Invalid").put("validation", "regex"));
    }
    return this;
  }

  Guard requiredString(String key) {
    Object value = body.getValue(key);
    if (!(value instanceof String s)) {
      typeIssue(key, "string", value);
    } else if (s.isEmpty()) {
      issues.add(issue(key, "too_small", "String must contain at least 1 character(s)"));
    }
    return this;
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
    Object value = body.getValue(key);
    if (!(value instanceof JsonArray array)) {
      typeIssue(key, "array", value);
      return this;
    }
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      if (!(item instanceof String)) {
        issues.add(new JsonObject().put("code", "invalid_type").put("expected", "string")
            .put("received", typeName(item)).put("path", new JsonArray().add(key).add(i))
            .put("message", "Expected string, received " + typeName(item)));
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
      issues.add(issue(key, "too_small", "Array must contain at least 1 element(s)").put("minimum", 1)
          .put("type", "array").put("inclusive", true).put("exact", false));
    }
    for (int i = 0; i < array.size(); i++) {
      if (array.getString(i).isEmpty()) {
        issues.add(new JsonObject().put("code", "too_small").put("minimum", 1).put("type", "string")
            .put("inclusive", true).put("exact", false).put("message", "String must contain at least 1 character(s)")
            .put("path", new JsonArray().add(key).add(i)));
      }
    }
    return this;
  }

  Guard oneOf(String key, List<String> allowed, boolean required) {
    if (!body.containsKey(key) && !required) {
      return this;
    }
    Object value = body.getValue(key);
    if (!(value instanceof String s) || !allowed.contains(s)) {
      issues.add(issue(key, "invalid_enum_value", "Invalid enum value. Expected " + String.join(" | ", allowed)));
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
    return invalid(List.of(new JsonObject().put("code", "invalid_type").put("expected", "object")
        .put("received", typeName(received)).put("path", new JsonArray())
        .put("message", "Expected object, received " + typeName(received))));
  }

  /** A 400 for one value deep in the body, e.g. path {@code ["profile", "givenName"]}. */
  static ApiError invalidTypeAt(JsonArray path, String expected, Object received) {
    return invalid(List.of(new JsonObject().put("code", "invalid_type").put("expected", expected)
        .put("received", typeName(received)).put("path", path.copy())
        .put("message", "Expected " + expected + ", received " + typeName(received))));
  }

  /** A 400 for a query parameter, which Logto reports with the same guard code. */
  static ApiError invalidQuery(String key, String message) {
    return invalid(List.of(new JsonObject().put("code", "custom").put("path", new JsonArray().add(key))
        .put("message", message)));
  }

  private static ApiError invalid(List<JsonObject> issues) {
    StringBuilder details = new StringBuilder();
    for (JsonObject issue : issues) {
      if (!details.isEmpty()) {
        details.append('\n');
      }
      details.append("Error in key path \"").append(joinPath(issue.getJsonArray("path"))).append("\": (")
          .append(issue.getString("code")).append(") ").append(issue.getString("message"));
    }
    JsonObject body = new JsonObject()
        .put("code", "guard.invalid_input")
        .put("data", new JsonObject().put("issues", new JsonArray(new ArrayList<>(issues))).put("name", "ZodError"))
        .put("details", details.toString())
        .put("message", "The request body is invalid.");
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
    issues.add(issue(key, "invalid_type", "Expected " + expected + ", received " + received)
        .put("expected", expected).put("received", received));
  }

  private static JsonObject issue(String key, String code, String message) {
    return new JsonObject().put("code", code).put("message", message).put("path", new JsonArray().add(key));
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
