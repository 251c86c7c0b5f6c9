package dev.logtocp.processor.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.outcomes.FieldError;
import dev.logtocp.schema.registry.RegisteredSchema;
import dev.logtocp.schema.registry.SchemaRegistryClient;
import dev.logtocp.schema.registry.SchemaRegistryException;
import dev.logtocp.schema.wire.WireFormatDeserializer;
import dev.logtocp.schema.wire.WireFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Feeds at least 100,000 malformed or hostile inputs through the decode path (the wire-format deserializer the
 * engine uses) and then through the handlers' validators, and checks that nothing but the expected
 * {@link WireFormatException} ever escapes: every input ends as a dead letter (does not decode), REJECTED
 * (validation errors) or valid. A crash is any other exception or error, StackOverflowError included.
 *
 * <p>Inputs: random bytes, random bodies behind a real schema id, valid commands of every type with bit flips,
 * truncations, inserted or overwritten bytes, swapped schema ids; commands with 1 MB strings; JSON fields nested
 * 10,000 deep, nested just under the parser's limit, unbalanced, or holding long arrays. Fixed seed, so a failure
 * reproduces.
 */
class HostileInputFuzzTest {

    static final long SEED = 20260117L;
    static final int MUTATION_INPUTS = 100_000;
    /** Every command the processor executes, in the registry's order (which keeps the seeded inputs stable). */
    static final List<String> COMMANDS = HandlerRegistry.standard(RecipientKeys.none()).commandTypes().stream()
            .map(Class::getSimpleName)
            .toList();

    static final String MB = "x".repeat(1 << 20);
    static final List<String> HOSTILE_JSON = List.of(
            "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000),
            "{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}",
            "{\"a\":".repeat(999) + "1" + "}".repeat(999),
            "{\"a\":" + "[".repeat(998) + "]".repeat(998) + "}",
            "{\"a\":" + "[".repeat(10_000),
            "[".repeat(16_000),
            "{\"a\":[" + "1,".repeat(15_000) + "1]}",
            "{\"a\":[" + "{},".repeat(10_000) + "{}]}",
            "{\"a\":\"" + "\\u0000".repeat(5_000) + "\"}",
            "{" + "\"k\":1,".repeat(4_000) + "\"k\":2}",
            "{\"a\":1e999999999}",
            "{\"a\":" + "9".repeat(30_000) + "}",
            "{\"a\":\"\\ud800\"}",
            "{\"a\":1}garbage",
            "{\"logtoCommandProcessor\":{}}",
            "{\"address\":{\"formatted\":" + "[".repeat(5_000) + "}}");
    static final List<String> JSON = List.of(
            "{}",
            "{\"k\":1}",
            "{\"givenName\":\"Ann\"}",
            "{\"nested\":{\"a\":[1,2]}}",
            "[]",
            "null",
            "",
            "{",
            "\"s\"",
            "{\"address\":{\"locality\":\"x\"}}");
    static final List<String> STRINGS = List.of(
            "alice",
            "alice",
            "bob_2",
            "Abc123",
            "a@b.co",
            "12345678",
            "id-1",
            "https://example.com/a.png",
            "en",
            "",
            " ",
            "1 bad",
            "ünïcödé",
            "a\u0000b",
            "\r\n",
            "role-employee",
            "x".repeat(300),
            "../../etc",
            "%00",
            "{\"k\":1}",
            "USERNAME",
            "*");

    private final Random random = new Random(SEED);
    private final FakeRegistry registry = new FakeRegistry();
    private final WireFormatDeserializer deserializer = new WireFormatDeserializer(registry, Map.of(), false);
    private final HandlerRegistry handlers = HandlerRegistry.standard(RecipientKeys.none());
    private final Map<Integer, Schema> schemas = new LinkedHashMap<>();

    private long inputs;
    private long deadLetters;
    private long rejected;
    private long valid;
    private final List<String> crashes = new ArrayList<>();

    @Test
    void hostileInputsEndAsDeadLetterRejectedOrValidAndNeverCrash() throws Exception {
        for (String name : COMMANDS) {
            Class<?> type = Class.forName("dev.logtocp.commands." + name);
            assertThat(handlers.handles(type)).as(name).isTrue();
            Schema schema = (Schema) type.getMethod("getClassSchema").invoke(null);
            schemas.put(registry.register(schema.getFullName(), schema), schema);
        }
        List<Integer> ids = new ArrayList<>(schemas.keySet());
        long started = System.nanoTime();

        // 1. Mutations of valid commands, random bytes and random bodies.
        List<byte[]> corpus = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            int id = ids.get(random.nextInt(ids.size()));
            corpus.add(wire(id, randomDatum(schemas.get(id), 0, false)));
        }
        for (int i = 0; i < MUTATION_INPUTS; i++) {
            byte[] base = corpus.get(random.nextInt(corpus.size()));
            byte[] input = switch (i % 10) {
                case 0 -> randomBytes(random.nextInt(64));
                case 1 -> withBody(ids.get(random.nextInt(ids.size())), randomBytes(random.nextInt(120)));
                case 2, 3, 4 -> flipBits(base, 1 + random.nextInt(4));
                case 5 -> java.util.Arrays.copyOf(base, random.nextInt(base.length));
                case 6 -> insert(base);
                case 7 -> base;
                case 8 -> overwrite(base);
                default -> swapSchemaId(base, ids);
            };
            feed(input);
        }
        long mutationMs = (System.nanoTime() - started) / 1_000_000;

        // 2. Huge strings and hostile JSON inside otherwise well-formed commands, through decode and validate.
        for (int i = 0; i < 300; i++) {
            int id = ids.get(i % ids.size());
            feed(wire(id, randomDatum(schemas.get(id), 0, true)));
        }

        // 3. The JSON validators directly, with every hostile text.
        for (String json : HOSTILE_JSON) {
            for (int i = 0; i < 20; i++) {
                validateJson(json);
            }
        }

        System.out.printf(
                "fuzz: %d inputs, %d dead letters, %d rejected, %d valid, %d crashes (mutations %d ms, total %d ms)%n",
                inputs,
                deadLetters,
                rejected,
                valid,
                crashes.size(),
                mutationMs,
                (System.nanoTime() - started) / 1_000_000);
        assertThat(crashes).as("crashes").isEmpty();
        assertThat(inputs).isGreaterThanOrEqualTo(MUTATION_INPUTS);
        assertThat(deadLetters + rejected + valid).isEqualTo(inputs);
        assertThat(deadLetters).isPositive();
        assertThat(rejected).isPositive();
        assertThat(valid).isPositive();
    }

    /** One input through decode, then validate: counts where it ends, records anything else as a crash. */
    private void feed(byte[] input) {
        inputs++;
        Object decoded;
        try {
            decoded = deserializer.deserialize("logto.commands", input);
        } catch (WireFormatException e) {
            if (e.retryable()) {
                crash("retryable verdict for a bad record: " + e.getMessage(), input);
            }
            deadLetters++;
            return;
        } catch (Throwable t) {
            crash("decode threw " + t, input);
            return;
        }
        if (!(decoded instanceof SpecificRecord command) || !handlers.handles(command.getClass())) {
            deadLetters++; // the engine dead-letters UnsupportedCommandType
            return;
        }
        try {
            List<FieldError> errors = validate(command);
            if (errors.isEmpty()) {
                valid++;
            } else {
                rejected++;
            }
        } catch (Throwable t) {
            crash("validate threw " + t + " for " + command.getClass().getSimpleName(), input);
        }
    }

    @SuppressWarnings("unchecked")
    private <C extends SpecificRecord> List<FieldError> validate(C command) {
        CommandHandler<C> handler = handlers.find((Class<C>) command.getClass()).orElseThrow();
        return handler.validate(command);
    }

    private void validateJson(String json) {
        for (int which = 0; which < 3; which++) {
            inputs++;
            try {
                Validation v = new Validation();
                switch (which) {
                    case 0 -> v.customDataJson("customDataJson", json, UserCreateHandler.RESERVED_KEY);
                    case 1 -> v.jsonObject("detailsJson", json, true);
                    default -> v.profileJson("profileJson", json);
                }
                if (v.errors().isEmpty()) {
                    valid++;
                } else {
                    rejected++;
                }
            } catch (Throwable t) {
                crash("Validation threw " + t + " on JSON of " + json.length() + " chars", null);
            }
        }
    }

    private void crash(String what, byte[] input) {
        if (crashes.size() < 20) {
            crashes.add(what + (input == null ? "" : " (input of " + input.length + " bytes)"));
        } else {
            crashes.add("...");
        }
    }

    // ---- generation ----

    private Object randomDatum(Schema schema, int depth, boolean hostile) {
        return switch (schema.getType()) {
            case RECORD -> {
                GenericData.Record record = new GenericData.Record(schema);
                for (Schema.Field field : schema.getFields()) {
                    record.put(
                            field.pos(),
                            field.schema().getType() == Schema.Type.STRING || isOptionalString(field.schema())
                                    ? randomString(field, hostile)
                                    : randomDatum(field.schema(), depth + 1, hostile));
                }
                yield record;
            }
            case UNION -> {
                List<Schema> branches = schema.getTypes();
                yield randomDatum(branches.get(random.nextInt(branches.size())), depth + 1, hostile);
            }
            case ENUM ->
                new GenericData.EnumSymbol(
                        schema,
                        schema.getEnumSymbols()
                                .get(random.nextInt(schema.getEnumSymbols().size())));
            case ARRAY -> {
                int n = hostile && random.nextInt(10) == 0 ? 5_000 : random.nextInt(4);
                List<Object> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(
                            schema.getElementType().getType() == Schema.Type.STRING
                                    ? pick(STRINGS)
                                    : randomDatum(schema.getElementType(), depth + 1, hostile));
                }
                yield items;
            }
            case MAP -> {
                Map<String, Object> map = new HashMap<>();
                for (int i = random.nextInt(3); i > 0; i--) {
                    map.put(pick(STRINGS), randomDatum(schema.getValueType(), depth + 1, hostile));
                }
                yield map;
            }
            case STRING -> pick(STRINGS);
            case BYTES -> ByteBuffer.wrap(randomBytes(random.nextInt(16)));
            case FIXED -> new GenericData.Fixed(schema, randomBytes(schema.getFixedSize()));
            case INT -> random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(100);
            case LONG -> random.nextInt(3) == 0 ? random.nextLong() : 1_760_000_000_000L + random.nextInt(1_000_000);
            case FLOAT -> random.nextFloat();
            case DOUBLE -> random.nextDouble();
            case BOOLEAN -> random.nextBoolean();
            case NULL -> null;
        };
    }

    private static boolean isOptionalString(Schema schema) {
        return schema.getType() == Schema.Type.UNION
                && schema.getTypes().size() == 2
                && schema.getTypes().get(0).getType() == Schema.Type.NULL
                && schema.getTypes().get(1).getType() == Schema.Type.STRING;
    }

    private String randomString(Schema.Field field, boolean hostile) {
        if (isOptionalString(field.schema()) && random.nextInt(3) == 0) {
            return null;
        }
        boolean json = field.name().endsWith("Json");
        if (hostile && random.nextInt(3) == 0) {
            return json ? pick(HOSTILE_JSON) : MB;
        }
        return json ? pick(JSON) : pick(STRINGS);
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    static byte[] wire(int id, Object datum) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<Object>(((GenericData.Record) datum).getSchema()).write(datum, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    static byte[] withBody(int id, byte[] body) {
        return ByteBuffer.allocate(5 + body.length)
                .put((byte) 0)
                .putInt(id)
                .put(body)
                .array();
    }

    private byte[] flipBits(byte[] base, int flips) {
        byte[] out = base.clone();
        for (int i = 0; i < flips; i++) {
            // Mostly in the body, sometimes in the header.
            int at = random.nextInt(8) == 0 ? random.nextInt(Math.min(5, out.length)) : random.nextInt(out.length);
            out[at] ^= (byte) (1 << random.nextInt(8));
        }
        return out;
    }

    private byte[] insert(byte[] base) {
        int at = random.nextInt(base.length + 1);
        byte[] extra = randomBytes(1 + random.nextInt(8));
        byte[] out = new byte[base.length + extra.length];
        System.arraycopy(base, 0, out, 0, at);
        System.arraycopy(extra, 0, out, at, extra.length);
        System.arraycopy(base, at, out, at + extra.length, base.length - at);
        return out;
    }

    private byte[] overwrite(byte[] base) {
        byte[] out = base.clone();
        int at = 5 + random.nextInt(Math.max(1, out.length - 5));
        int n = Math.min(out.length - at, 1 + random.nextInt(6));
        for (int i = 0; i < n; i++) {
            // Large varints and negative lengths are what hurt a careless decoder.
            out[at + i] = random.nextBoolean() ? (byte) 0xFF : (byte) random.nextInt(256);
        }
        return out;
    }

    private byte[] swapSchemaId(byte[] base, List<Integer> ids) {
        byte[] out = base.clone();
        int id = random.nextInt(5) == 0 ? 1_000 + random.nextInt(1_000) : ids.get(random.nextInt(ids.size()));
        ByteBuffer.wrap(out, 1, 4).putInt(id);
        return out;
    }

    /** In-memory registry: register and look up by id; unknown ids answer 404 as a real registry does. */
    private static final class FakeRegistry implements SchemaRegistryClient {
        private final Map<Integer, Schema> byId = new HashMap<>();
        private final Map<String, Integer> ids = new HashMap<>();

        @Override
        public synchronized int register(String subject, Schema schema) {
            return ids.computeIfAbsent(subject, s -> {
                int id = byId.size() + 1;
                byId.put(id, schema);
                return id;
            });
        }

        @Override
        public synchronized Schema schemaById(int id) {
            Schema schema = byId.get(id);
            if (schema == null) {
                throw SchemaRegistryException.fromResponse(
                        "schema " + id + " not found", 404, SchemaRegistryException.SCHEMA_NOT_FOUND);
            }
            return schema;
        }

        @Override
        public synchronized OptionalInt lookup(String subject, Schema schema) {
            Integer id = ids.get(subject);
            return id == null ? OptionalInt.empty() : OptionalInt.of(id);
        }

        @Override
        public Optional<RegisteredSchema> latest(String subject) {
            return Optional.empty();
        }

        @Override
        public synchronized List<String> subjects() {
            return List.copyOf(ids.keySet());
        }
    }
}
