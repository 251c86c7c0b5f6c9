package dev.logtocp.ops.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.logtocp.client.RecordKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Turns friendly JSON into a command record of {@code dev.logtocp.commands}: optional fields may be left out,
 * union values need no type wrapper (Avro's own {@code {"string": "x"}} form is accepted too), enums are their
 * symbols, timestamps are ISO-8601 or epoch milliseconds, bytes are base64. {@code meta} may be partial or
 * absent: {@code commandId} defaults to a random UUID, {@code idempotencyKey} to the command id,
 * {@code issuedAt} to now and {@code issuer} to the given default. Unknown fields are an error, so a typo
 * never silently drops a value.
 */
final class JsonCommands {
    static final String NAMESPACE = "dev.logtocp.commands";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> NOT_COMMANDS =
            Set.of("CommandMeta", "UserRef", "UserRefKind", "RevokeGrantsTarget");

    private JsonCommands() {}

    /** The generated class of command type {@code simpleName}, e.g. {@code UserCreate}. */
    static Class<? extends SpecificRecord> commandClass(String simpleName) {
        if (simpleName == null || !simpleName.matches("[A-Za-z][A-Za-z0-9]*") || NOT_COMMANDS.contains(simpleName)) {
            throw new OpsException("unknown command type '" + simpleName + "'");
        }
        try {
            Class<?> c = Class.forName(NAMESPACE + "." + simpleName);
            if (!SpecificRecord.class.isAssignableFrom(c)) {
                throw new OpsException("unknown command type '" + simpleName + "'");
            }
            return c.asSubclass(SpecificRecord.class);
        } catch (ClassNotFoundException e) {
            throw new OpsException(
                    "unknown command type '" + simpleName + "' (no record " + NAMESPACE + "." + simpleName + ")");
        }
    }

    /** Parses {@code json} into a command of {@code type}. */
    static SpecificRecord parse(String type, String json, String defaultIssuer) {
        Class<? extends SpecificRecord> c = commandClass(type);
        Schema schema = SpecificData.get().getSchema(c);
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new OpsException("not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new OpsException("the command must be a JSON object");
        }
        ObjectNode object = ((ObjectNode) node).deepCopy();
        if (schema.getField("meta") != null) {
            fillMeta(object, defaultIssuer);
        }
        GenericRecord generic = (GenericRecord) convert(schema, object, "");
        return toSpecific(generic, c);
    }

    private static void fillMeta(ObjectNode command, String issuer) {
        JsonNode meta = command.get("meta");
        if (meta != null && !meta.isObject() && !meta.isNull()) {
            throw new OpsException("meta: expected an object");
        }
        ObjectNode m = meta == null || meta.isNull() ? command.putObject("meta") : (ObjectNode) meta;
        if (!m.hasNonNull("commandId")) {
            m.put("commandId", UUID.randomUUID().toString());
        }
        if (!m.hasNonNull("idempotencyKey")) {
            m.put("idempotencyKey", m.get("commandId").asText());
        }
        if (!m.hasNonNull("issuer")) {
            m.put("issuer", issuer);
        }
        if (!m.hasNonNull("issuedAt")) {
            m.put("issuedAt", Instant.now().toEpochMilli());
        }
    }

    /** Generic (raw Avro types) to the generated class, through the binary encoding: no hand-written mapping. */
    private static SpecificRecord toSpecific(GenericRecord generic, Class<? extends SpecificRecord> c) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new GenericDatumWriter<GenericRecord>(generic.getSchema()).write(generic, encoder);
            encoder.flush();
            SpecificDatumReader<SpecificRecord> reader =
                    new SpecificDatumReader<>(SpecificData.get().getSchema(c));
            return reader.read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        } catch (IOException | RuntimeException e) {
            throw new OpsException("cannot encode the command: " + e.getMessage(), e);
        }
    }

    private static Object convert(Schema schema, JsonNode node, String path) {
        return switch (schema.getType()) {
            case RECORD -> record(schema, node, path);
            case UNION -> union(schema, node, path);
            case NULL -> {
                if (node != null && !node.isNull()) {
                    throw bad(path, "expected null");
                }
                yield null;
            }
            case STRING -> {
                if (!node.isTextual()) {
                    throw bad(path, "expected a string");
                }
                yield node.asText();
            }
            case ENUM -> {
                if (!node.isTextual()) {
                    throw bad(path, "expected one of " + schema.getEnumSymbols());
                }
                String symbol = schema.getEnumSymbols().stream()
                        .filter(s -> s.equalsIgnoreCase(node.asText()))
                        .findFirst()
                        .orElseThrow(
                                () -> bad(path, "'" + node.asText() + "' is not one of " + schema.getEnumSymbols()));
                yield new GenericData.EnumSymbol(schema, symbol);
            }
            case BOOLEAN -> {
                if (!node.isBoolean()) {
                    throw bad(path, "expected true or false");
                }
                yield node.asBoolean();
            }
            case INT -> {
                if (!node.canConvertToInt() || !node.isIntegralNumber()) {
                    throw bad(path, "expected an integer");
                }
                yield node.asInt();
            }
            case LONG -> longValue(schema, node, path);
            case FLOAT -> (float) number(node, path);
            case DOUBLE -> number(node, path);
            case BYTES -> {
                if (!node.isTextual()) {
                    throw bad(path, "expected base64 text");
                }
                try {
                    yield ByteBuffer.wrap(Base64.getDecoder().decode(node.asText()));
                } catch (IllegalArgumentException e) {
                    throw bad(path, "expected base64 text");
                }
            }
            case ARRAY -> {
                if (!node.isArray()) {
                    throw bad(path, "expected an array");
                }
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < node.size(); i++) {
                    items.add(convert(schema.getElementType(), node.get(i), path + "[" + i + "]"));
                }
                yield new GenericData.Array<>(schema, items);
            }
            case MAP -> {
                if (!node.isObject()) {
                    throw bad(path, "expected an object");
                }
                Map<String, Object> map = new HashMap<>();
                node.properties()
                        .forEach(e -> map.put(
                                e.getKey(), convert(schema.getValueType(), e.getValue(), path + "." + e.getKey())));
                yield map;
            }
            case FIXED -> throw bad(path, "fixed values are not supported");
        };
    }

    private static GenericRecord record(Schema schema, JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw bad(path, "expected an object");
        }
        GenericRecord record = new GenericData.Record(schema);
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (schema.getField(name) == null) {
                throw bad(join(path, name), "unknown field (" + schema.getName() + " has " + fieldNames(schema) + ")");
            }
        }
        for (Schema.Field field : schema.getFields()) {
            String fieldPath = join(path, field.name());
            JsonNode value = node.get(field.name());
            if (value == null) {
                if (!field.hasDefaultValue()) {
                    throw bad(fieldPath, "required");
                }
                record.put(field.pos(), GenericData.get().getDefaultValue(field));
            } else {
                record.put(field.pos(), convert(field.schema(), value, fieldPath));
            }
        }
        return record;
    }

    private static Object union(Schema schema, JsonNode node, String path) {
        if (node == null || node.isNull()) {
            if (schema.getTypes().stream().noneMatch(t -> t.getType() == Schema.Type.NULL)) {
                throw bad(path, "must not be null");
            }
            return null;
        }
        // Avro's JSON encoding wraps union values: {"string": "x"} or {"dev.logtocp.commands.RevokeGrantsTarget":
        // "ALL"}.
        if (node.isObject() && node.size() == 1) {
            String wrapper = node.fieldNames().next();
            for (Schema branch : schema.getTypes()) {
                if (branch.getFullName().equals(wrapper) || branch.getName().equals(wrapper)) {
                    return convert(branch, node.get(wrapper), path);
                }
            }
        }
        List<String> errors = new ArrayList<>();
        for (Schema branch : schema.getTypes()) {
            if (branch.getType() == Schema.Type.NULL) {
                continue;
            }
            try {
                return convert(branch, node, path);
            } catch (OpsException e) {
                errors.add(e.getMessage());
            }
        }
        throw errors.size() == 1 ? new OpsException(errors.get(0)) : bad(path, "matches no branch of " + schema);
    }

    private static Object longValue(Schema schema, JsonNode node, String path) {
        LogicalType logical = schema.getLogicalType();
        boolean timestamp = logical instanceof LogicalTypes.TimestampMillis;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.asLong();
        }
        if (timestamp && node.isTextual()) {
            return parseInstant(node.asText(), path).toEpochMilli();
        }
        throw bad(
                path,
                timestamp ? "expected ISO-8601 (2025-01-31T12:00:00Z) or epoch milliseconds" : "expected an integer");
    }

    static Instant parseInstant(String text, String what) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                throw bad(what, "'" + text + "' is not ISO-8601, e.g. 2025-01-31T12:00:00Z");
            }
        }
    }

    private static double number(JsonNode node, String path) {
        if (!node.isNumber()) {
            throw bad(path, "expected a number");
        }
        return node.asDouble();
    }

    private static String fieldNames(Schema schema) {
        return schema.getFields().stream().map(Schema.Field::name).toList().toString();
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static OpsException bad(String path, String message) {
        return new OpsException((path.isEmpty() ? "command" : path) + ": " + message);
    }

    /** The record key for a command: {@link dev.logtocp.client.RecordKeys}, the rule the Java client follows too. */
    static String deriveKey(SpecificRecord command) {
        return RecordKeys.of(command).orElse(null);
    }
}
