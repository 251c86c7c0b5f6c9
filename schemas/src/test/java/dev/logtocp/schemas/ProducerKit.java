package dev.logtocp.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.outcomes.CommandOutcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Generates the producer kit under {@code schemas/producer-kit/} from the schemas, for producers that are not
 * written in Java:
 *
 * <ul>
 *   <li>{@code avro/<Record>.avsc}: every command, {@code CommandOutcome} and {@code AuditEvent}, each a single
 *       self-contained schema (the named types it uses are written inline) that can be registered as it is;</li>
 *   <li>{@code examples/<Command>.json}: one example per command in the JSON {@code ops/ops send} accepts (no union
 *       wrappers, ISO-8601 timestamps);</li>
 *   <li>{@code examples/<Command>.avro.json}: the same command in Avro's own JSON encoding (unions wrapped,
 *       timestamps as epoch milliseconds), which Avro libraries in any language decode with the schema.</li>
 * </ul>
 * Values come from the schema (every required field, a few optional ones per command) with sample values chosen by
 * field name, so that each example is also a command the processor accepts. {@code ProducerKitTest} fails when the
 * committed files differ from what this generates; regenerate with
 * {@code mvn -pl schemas test -Dtest=ProducerKitTest -DproducerKit.write=true}.
 */
final class ProducerKit {
    static final String NAMESPACE = "dev.logtocp.commands";
    static final Instant ISSUED_AT = Instant.parse("2026-01-15T09:30:00Z");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Sample values by {@code Command.field} first, then by field name. */
    private static final Map<String, Object> SAMPLES = Map.ofEntries(
            Map.entry("externalId", "crm-user-42"),
            Map.entry("username", "alice_example"),
            Map.entry("primaryEmail", "alice@example.com"),
            Map.entry("primaryPhone", "15551234567"),
            Map.entry("name", "Alice Example"),
            Map.entry("avatar", "https://example.com/avatars/alice.png"),
            Map.entry("password", "Example-passw0rd-only"),
            Map.entry("currentPassword", "Example-passw0rd-only"),
            Map.entry("newPassword", "Another-Example-passw0rd"),
            Map.entry("customDataJson", "{\"plan\":\"gold\"}"),
            Map.entry("profileJson", "{\"nickname\":\"Ally\"}"),
            Map.entry("connectorId", "google-connector-id"),
            Map.entry(
                    "connectorDataJson",
                    "{\"code\":\"one-time-code\",\"redirectUri\":\"https://example.com/callback\"}"),
            Map.entry("target", "google"),
            Map.entry("socialUserId", "google-user-42"),
            Map.entry("grantId", "grant-id-1"),
            Map.entry("sessionId", "session-id-1"),
            Map.entry("verificationId", "mfa-verification-id-1"),
            Map.entry("roleIds", List.of("role-id-1")),
            Map.entry("roleId", "role-id-1"),
            Map.entry("suspended", true),
            Map.entry("PersonalAccessTokenCreate.name", "ci-token"),
            Map.entry("PersonalAccessTokenDelete.name", "ci-token"),
            Map.entry("currentName", "ci-token"),
            Map.entry("newName", "ci-token-2"),
            Map.entry("expiresAt", Instant.parse("2027-01-01T00:00:00Z")),
            Map.entry("MfaVerificationCreate.type", "BACKUP_CODE"),
            // Logto takes exactly ten codes of ten hex digits.
            Map.entry(
                    "backupCodes",
                    List.of(
                            "7c2e9a4b8d",
                            "3f6a1b5c0e",
                            "0123456789",
                            "abcdef0123",
                            "456789abcd",
                            "ef01234567",
                            "89abcdef01",
                            "23456789ab",
                            "cdef012345",
                            "6789abcdef")),
            Map.entry("mfaSkipped", true));

    /** Optional (nullable) fields an example fills, per command; every other optional field stays null. */
    private static final Map<String, Set<String>> OPTIONAL_FILLED = Map.of(
            "UserCreate", Set.of("externalId", "username", "primaryEmail", "name"),
            "UserUpdate", Set.of("name"),
            "LogtoConfigUpdate", Set.of("mfaSkipped"),
            "PersonalAccessTokenCreate", Set.of("expiresAt"),
            "MfaVerificationCreate", Set.of("backupCodes"));

    private ProducerKit() {}

    /** Where the kit lives: {@code producer-kit} in the schemas module. */
    static Path directory(Path schemasModule) {
        return schemasModule.resolve("producer-kit");
    }

    /** Every command record: a top-level schema in {@code src/main/avro} whose first field is the CommandMeta. */
    static List<Schema> commands(Path schemasModule) {
        List<Schema> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(schemasModule.resolve("src/main/avro"))) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList()) {
                String name = f.getFileName().toString().replace(".avsc", "");
                Schema schema;
                try {
                    schema = SpecificData.get().getSchema(Class.forName(NAMESPACE + "." + name));
                } catch (ClassNotFoundException e) {
                    continue; // an outcome or internal record
                }
                if (schema.getField("meta") != null) {
                    out.add(schema);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Every file of the kit, path relative to the kit directory, with its content. */
    static Map<String, String> files(Path schemasModule) {
        Map<String, String> out = new TreeMap<>();
        List<Schema> bundle = new ArrayList<>(commands(schemasModule));
        bundle.add(CommandOutcome.getClassSchema());
        bundle.add(AuditEvent.getClassSchema());
        for (Schema s : bundle) {
            out.put("avro/" + s.getName() + ".avsc", s.toString(true) + "\n");
        }
        for (Schema s : commands(schemasModule)) {
            SpecificRecord example = example(s);
            out.put("examples/" + s.getName() + ".json", opsJson(example));
            out.put("examples/" + s.getName() + ".avro.json", avroJson(example));
        }
        return out;
    }

    /** The example of one command, as its generated class. */
    static SpecificRecord example(Schema command) {
        GenericRecord generic = (GenericRecord) value(command.getName(), "", command);
        GenericRecord meta = new GenericData.Record(command.getField("meta").schema());
        meta.put(
                "commandId",
                UUID.nameUUIDFromBytes(("example-" + command.getName()).getBytes(StandardCharsets.UTF_8))
                        .toString());
        meta.put("idempotencyKey", "example-" + command.getName() + "-1");
        meta.put("issuer", "crm");
        meta.put("issuedAt", ISSUED_AT.toEpochMilli());
        meta.put("correlationId", "request-7f3a");
        meta.put("deadline", null);
        meta.put("force", false);
        generic.put("meta", meta);
        return toSpecific(generic);
    }

    private static Object value(String type, String field, Schema schema) {
        Object sample = SAMPLES.containsKey(type + "." + field) ? SAMPLES.get(type + "." + field) : SAMPLES.get(field);
        return switch (schema.getType()) {
            case RECORD -> {
                GenericRecord r = new GenericData.Record(schema);
                for (Schema.Field f : schema.getFields()) {
                    if (f.name().equals("meta")) {
                        continue;
                    }
                    boolean optional = f.schema().getType() == Schema.Type.UNION
                            && f.schema().getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL);
                    if (optional
                            && !OPTIONAL_FILLED.getOrDefault(type, Set.of()).contains(f.name())) {
                        r.put(f.name(), null);
                    } else if (!optional && f.hasDefaultValue() && sampleFor(type, f.name()) == null) {
                        r.put(f.name(), GenericData.get().getDefaultValue(f));
                    } else {
                        r.put(f.name(), value(type, f.name(), f.schema()));
                    }
                }
                if (schema.getName().equals("UserRef")) {
                    r.put(
                            "kind",
                            new GenericData.EnumSymbol(schema.getField("kind").schema(), "EXTERNAL_ID"));
                    r.put("value", "crm-user-42");
                }
                yield r;
            }
            case UNION ->
                value(
                        type,
                        field,
                        schema.getTypes().stream()
                                .filter(t -> t.getType() != Schema.Type.NULL)
                                .findFirst()
                                .orElseThrow());
            case STRING -> sample != null ? sample.toString() : field + "-example";
            case BOOLEAN -> sample instanceof Boolean b ? b : Boolean.TRUE;
            case INT -> 1;
            case LONG ->
                schema.getLogicalType() instanceof LogicalTypes.TimestampMillis
                        ? (sample instanceof Instant i ? i : ISSUED_AT).toEpochMilli()
                        : 1L;
            case ENUM ->
                new GenericData.EnumSymbol(
                        schema,
                        sample != null
                                ? sample.toString()
                                : schema.getEnumSymbols().get(0));
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                if (sample instanceof Collection<?> c) {
                    c.forEach(x -> items.add(x.toString()));
                } else {
                    items.add(value(type, field, schema.getElementType()));
                }
                yield new GenericData.Array<>(schema, items);
            }
            case MAP -> Map.of("key", value(type, field, schema.getValueType()));
            default -> throw new IllegalStateException("no sample for " + schema);
        };
    }

    private static Object sampleFor(String type, String field) {
        return SAMPLES.containsKey(type + "." + field) ? SAMPLES.get(type + "." + field) : SAMPLES.get(field);
    }

    private static SpecificRecord toSpecific(GenericRecord generic) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new GenericDatumWriter<GenericRecord>(generic.getSchema()).write(generic, encoder);
            encoder.flush();
            return new SpecificDatumReader<SpecificRecord>(generic.getSchema())
                    .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Avro's JSON encoding of {@code record}, pretty-printed. */
    static String avroJson(SpecificRecord record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            JsonEncoder encoder = EncoderFactory.get().jsonEncoder(record.getSchema(), out, true);
            new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
            // Re-indented by Jackson so both files of an example look alike.
            return JSON.writeValueAsString(JSON.readTree(out.toByteArray())) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The friendly JSON {@code ops/ops send} accepts: no union wrappers, ISO timestamps, nulls left out. */
    static String opsJson(SpecificRecord record) {
        try {
            return JSON.writeValueAsString(friendly(record.getSchema(), record)) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode friendly(Schema schema, Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value == null) {
            return f.nullNode();
        }
        return switch (schema.getType()) {
            case RECORD -> {
                ObjectNode o = f.objectNode();
                GenericRecord r = (GenericRecord) value;
                for (Schema.Field field : schema.getFields()) {
                    Object v = r.get(field.pos());
                    if (v != null) {
                        o.set(field.name(), friendly(field.schema(), v));
                    }
                }
                yield o;
            }
            // Every union in the schemas is [null, X]; a value that is not null is the X.
            case UNION ->
                friendly(
                        schema.getTypes().stream()
                                .filter(t -> t.getType() != Schema.Type.NULL)
                                .findFirst()
                                .orElseThrow(),
                        value);
            case STRING -> f.textNode(value.toString());
            case ENUM ->
                f.textNode(
                        value instanceof GenericEnumSymbol<?> || value instanceof Enum<?>
                                ? value.toString()
                                : String.valueOf(value));
            case BOOLEAN -> f.booleanNode((Boolean) value);
            case INT -> f.numberNode((Integer) value);
            case LONG -> value instanceof Instant i ? f.textNode(i.toString()) : f.numberNode((Long) value);
            case ARRAY -> {
                ArrayNode a = f.arrayNode();
                ((Collection<?>) value).forEach(x -> a.add(friendly(schema.getElementType(), x)));
                yield a;
            }
            case MAP -> {
                ObjectNode o = f.objectNode();
                ((Map<?, ?>) value).forEach((k, v) -> o.set(k.toString(), friendly(schema.getValueType(), v)));
                yield o;
            }
            default -> throw new IllegalStateException("no JSON for " + schema);
        };
    }

    /** Writes the kit: {@code java ... ProducerKit <schemas module dir>}. */
    public static void main(String[] args) throws IOException {
        write(Path.of(args.length > 0 ? args[0] : "."));
    }

    static void write(Path schemasModule) throws IOException {
        Path dir = directory(schemasModule);
        for (String sub : List.of("avro", "examples")) {
            Path d = dir.resolve(sub);
            if (Files.isDirectory(d)) {
                try (Stream<Path> old = Files.list(d)) {
                    for (Path p : old.toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(d);
        }
        for (Map.Entry<String, String> e : files(schemasModule).entrySet()) {
            Files.writeString(dir.resolve(e.getKey()), e.getValue());
        }
    }
}
