package dev.logtocp.schema.wire;

import dev.logtocp.schema.registry.HttpSchemaRegistryClient;
import dev.logtocp.schema.registry.RegisteredSchema;
import dev.logtocp.schema.registry.SchemaRegistryClient;
import dev.logtocp.schema.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer writing Avro in the Confluent wire format. Configured with Confluent's property names
 * ({@code schema.registry.url}, {@code auto.register.schemas}, {@code use.latest.version},
 * {@code value.subject.name.strategy}/{@code key.subject.name.strategy}, {@code basic.auth.*}).
 *
 * <p>Accepts {@link GenericContainer}s (generic and generated specific records, enums, fixed) and the
 * primitive types Confluent accepts ({@code null} aside, which stays {@code null}): String, Integer, Long,
 * Float, Double, Boolean, byte[] and ByteBuffer.
 *
 * <p>Thread-safe after {@link #configure}: Kafka producers may call {@link #serialize} from several threads.
 * Registry failures surface as {@link WireFormatException} with reason
 * {@link WireFormatException.Reason#REGISTRY_UNAVAILABLE} when retryable, otherwise as a
 * {@link SerializationException}.
 */
public final class WireFormatSerializer implements Serializer<Object> {

    private volatile SchemaRegistryClient registry;
    private volatile SerdeConfig config;
    private volatile boolean isKey;
    private final boolean ownsRegistry;
    private final Map<Schema, DatumWriter<Object>> genericWriters = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<Object>> specificWriters = new ConcurrentHashMap<>();

    /** For Kafka's reflective instantiation; {@link #configure} builds the HTTP registry client. */
    public WireFormatSerializer() {
        this.ownsRegistry = true;
    }

    /** Uses the given client (not closed by {@link #close()}); {@code schema.registry.url} is then optional. */
    public WireFormatSerializer(SchemaRegistryClient registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.ownsRegistry = false;
    }

    /** Convenience: a serializer with the given client, configured from {@code props}. */
    public WireFormatSerializer(SchemaRegistryClient registry, Map<String, ?> props, boolean isKey) {
        this(registry);
        configure(props, isKey);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = SerdeConfig.from(configs, isKey);
        this.isKey = isKey;
        if (registry == null) {
            registry = HttpSchemaRegistryClient.fromProperties(configs);
        }
    }

    @Override
    public byte[] serialize(String topic, Object data) {
        if (data == null) {
            return null;
        }
        SerdeConfig cfg = config;
        if (cfg == null) {
            cfg = SerdeConfig.from(Map.of(), false);
            config = cfg;
        }
        Schema schema = schemaOf(data);
        String subject = cfg.subjectStrategy().subject(topic, isKey, schema);
        int id;
        Schema writerSchema = schema;
        try {
            if (cfg.useLatestVersion()) {
                RegisteredSchema latest = registry.latest(subject)
                        .orElseThrow(() -> new SerializationException(
                                "use.latest.version is set but subject " + subject + " has no versions"));
                id = latest.id();
                writerSchema = latest.schema();
            } else if (cfg.autoRegister()) {
                id = registry.register(subject, schema);
            } else {
                id = registry.lookup(subject, schema)
                        .orElseThrow(() -> new SerializationException(
                                "schema " + schema.getFullName() + " is not registered under subject " + subject
                                        + " and auto.register.schemas is false"));
            }
        } catch (SchemaRegistryException e) {
            if (e.retryable()) {
                throw new WireFormatException(
                        WireFormatException.Reason.REGISTRY_UNAVAILABLE,
                        "topic " + topic + ": registry unavailable for subject " + subject,
                        e);
            }
            throw new SerializationException(
                    "topic " + topic + ": registry refused subject " + subject + ": " + e.getMessage(), e);
        }
        return encode(topic, id, writerSchema, data);
    }

    private byte[] encode(String topic, int id, Schema writerSchema, Object data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(WireFormat.MAGIC_BYTE);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            Object datum = data instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : data;
            writerFor(writerSchema, data).write(datum, encoder);
            encoder.flush();
        } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException e) {
            throw new SerializationException(
                    "topic " + topic + ": cannot encode " + writerSchema.getFullName() + " with schema id " + id + ": "
                            + e.getMessage(),
                    e);
        }
        return out.toByteArray();
    }

    private DatumWriter<Object> writerFor(Schema schema, Object data) {
        // Separate caches: the same schema may arrive as generated (specific) and as generic records.
        if (data instanceof SpecificRecord) {
            return specificWriters.computeIfAbsent(schema, SpecificDatumWriter::new);
        }
        return genericWriters.computeIfAbsent(schema, GenericDatumWriter::new);
    }

    /** The Avro schema of a datum, following Confluent's mapping of Java primitives. */
    static Schema schemaOf(Object data) {
        if (data instanceof GenericContainer container) {
            return container.getSchema();
        }
        Schema.Type type;
        if (data instanceof CharSequence) {
            type = Schema.Type.STRING;
        } else if (data instanceof Integer) {
            type = Schema.Type.INT;
        } else if (data instanceof Long) {
            type = Schema.Type.LONG;
        } else if (data instanceof Float) {
            type = Schema.Type.FLOAT;
        } else if (data instanceof Double) {
            type = Schema.Type.DOUBLE;
        } else if (data instanceof Boolean) {
            type = Schema.Type.BOOLEAN;
        } else if (data instanceof byte[] || data instanceof ByteBuffer) {
            type = Schema.Type.BYTES;
        } else {
            throw new SerializationException(
                    "cannot serialize " + data.getClass().getName() + ": expected an Avro record or a primitive");
        }
        return Schema.create(type);
    }

    @Override
    public void close() {
        SchemaRegistryClient client = registry;
        if (ownsRegistry && client != null) {
            client.close();
        }
    }
}
