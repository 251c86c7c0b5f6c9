package dev.logtocp.processor.security;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** Reading the issuer policy's JSON: every failure names the JSON path of the problem. Stateless. */
final class PolicyJson {
    private static final Pattern COMMAND_NAME = Pattern.compile("^[A-Z][A-Za-z0-9]{0,63}$");
    private static final String COMMAND_PACKAGE = "dev.logtocp.commands.";

    private PolicyJson() {}

    static boolean isCommandType(String name) {
        if (!COMMAND_NAME.matcher(name).matches()) {
            return false;
        }
        try {
            Class<?> type = Class.forName(COMMAND_PACKAGE + name, false, IssuerPolicy.class.getClassLoader());
            if (!SpecificRecord.class.isAssignableFrom(type)) {
                return false;
            }
            Schema schema = (Schema) type.getMethod("getClassSchema").invoke(null);
            // Commands carry the envelope; CommandMeta and UserRef live in the same package but are not commands.
            return schema.getField("meta") != null;
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return false;
        }
    }

    static void onlyKnownFields(JsonObject json, String path, Collection<String> known) {
        for (String field : json.fieldNames()) {
            if (!known.contains(field)) {
                throw new IssuerPolicyException(
                        path.isEmpty() ? field : path + "." + field,
                        "unknown field (expected one of " + new ArrayList<>(known) + ")");
            }
        }
    }

    static JsonObject object(Object value, String path) {
        if (value instanceof JsonObject object) {
            return object;
        }
        throw new IssuerPolicyException(path, "must be an object");
    }

    static JsonObject optionalObject(JsonObject parent, String field, String path) {
        Object value = parent.getValue(field);
        return value == null ? null : object(value, path.isEmpty() ? field : path + "." + field);
    }

    static JsonArray array(Object value, String path, boolean required) {
        if (value == null && required) {
            throw new IssuerPolicyException(path, "is required");
        }
        if (value instanceof JsonArray array) {
            return array;
        }
        throw new IssuerPolicyException(path, "must be an array of strings");
    }

    static String string(Object value, String path) {
        if (value instanceof String text && !text.isBlank()) {
            return text;
        }
        throw new IssuerPolicyException(path, "must be a non-empty string");
    }

    static String requiredString(JsonObject json, String field, String path) {
        Object value = json.getValue(field);
        if (value == null) {
            throw new IssuerPolicyException(path + "." + field, "is required");
        }
        return string(value, path + "." + field);
    }

    static String optionalString(JsonObject json, String field, String path, String fallback) {
        Object value = json.getValue(field);
        return value == null ? fallback : string(value, path.isEmpty() ? field : path + "." + field);
    }

    static String location(DecodeException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof JsonProcessingException jpe && jpe.getLocation() != null) {
                JsonLocation at = jpe.getLocation();
                return " (JSON syntax error at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            }
        }
        return " (JSON syntax error)";
    }
}
