package dev.logtocp.schema.wire;

import dev.logtocp.schema.registry.HttpSchemaRegistryClient;
import dev.logtocp.schema.registry.SchemaRegistryClient;
import dev.logtocp.schema.registry.SchemaRegistryException;
import dev.logtocp.schema.wire.WireFormatException.Reason;
import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer for the Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro binary),
 * configured with Confluent's property names ({@code schema.registry.url}, {@code specific.avro.reader},
 * {@code basic.auth.*}).
 *
 * <p>With {@code specific.avro.reader=true} (the default here, unlike Confluent) a datum is decoded into the
 * generated class named by the writer schema when that class is on the classpath, using the class's own
 * schema as reader schema; otherwise into a {@code GenericRecord}.
 *
 * <p>Every failure is a {@link WireFormatException} whose {@link Reason} tells the caller whether to
 * dead-letter ({@code NOT_WIRE_FORMAT}, {@code UNKNOWN_SCHEMA_ID}, {@code MALFORMED_AVRO}) or to retry
 * ({@code REGISTRY_UNAVAILABLE}). Hostile input never causes another exception type nor a large
 * allocation: declared lengths are checked against the bytes present before anything is allocated.
 * A {@code null} payload (tombstone) is {@code NOT_WIRE_FORMAT} too.
 *
 * <p>Thread-safe after {@link #configure}.
 */
public final class WireFormatDeserializer implements Deserializer<Object> {

    private volatile SchemaRegistryClient registry;
    private volatile SerdeConfig config = SerdeConfig.from(Map.of(), false);
    private final boolean ownsRegistry;
    private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();

    /** For Kafka's reflective instantiation; {@link #configure} builds the HTTP registry client. */
    public WireFormatDeserializer() {
        this.ownsRegistry = true;
    }

    /** Uses the given client (not closed by {@link #close()}); {@code schema.registry.url} is then optional. */
    public WireFormatDeserializer(SchemaRegistryClient registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.ownsRegistry = false;
    }

    /** Convenience: a deserializer with the given client, configured from {@code props}. */
    public WireFormatDeserializer(SchemaRegistryClient registry, Map<String, ?> props, boolean isKey) {
        this(registry);
        configure(props, isKey);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = SerdeConfig.from(configs, isKey);
        readers.clear();
        if (registry == null) {
            registry = HttpSchemaRegistryClient.fromProperties(configs);
        }
    }

    @Override
    public Object deserialize(String topic, byte[] data) {
        if (data == null) {
            throw new WireFormatException(Reason.NOT_WIRE_FORMAT, "topic " + topic + ": null payload");
        }
        if (data.length < WireFormat.HEADER_SIZE) {
            throw new WireFormatException(
                    Reason.NOT_WIRE_FORMAT,
                    "topic " + topic + ": " + data.length + " bytes, shorter than the 5-byte header");
        }
        if (data[0] != WireFormat.MAGIC_BYTE) {
            throw new WireFormatException(Reason.NOT_WIRE_FORMAT, "topic " + topic + ": magic byte is not 0");
        }
        int id = (data[1] & 0xFF) << 24 | (data[2] & 0xFF) << 16 | (data[3] & 0xFF) << 8 | (data[4] & 0xFF);
        DatumReader<Object> reader = readerFor(topic, id);
        BoundedBinaryDecoder decoder =
                new BoundedBinaryDecoder(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE);
        Object datum;
        try {
            datum = reader.read(null, decoder);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            // RuntimeException covers AvroRuntimeException (incl. SystemLimitException), index errors from
            // out-of-range enum/union indexes, and ClassCastException from schema/class mismatches. Deep
            // recursive schemas can run the stack out on hostile nesting. None of their messages carry
            // payload bytes, but only the type is put into ours to be sure.
            throw new WireFormatException(
                    Reason.MALFORMED_AVRO,
                    "topic " + topic + ", schema id " + id + ": body does not decode (" + describe(e) + ")",
                    e);
        }
        if (decoder.remaining() != 0) {
            throw new WireFormatException(
                    Reason.MALFORMED_AVRO,
                    "topic " + topic + ", schema id " + id + ": " + decoder.remaining()
                            + " trailing bytes after the datum");
        }
        return datum;
    }

    private static String describe(Throwable e) {
        if (e instanceof BoundedBinaryDecoder.MalformedDataException || e instanceof EOFException) {
            return e.getMessage(); // our own wording, never data
        }
        return e.getClass().getSimpleName();
    }

    private DatumReader<Object> readerFor(String topic, int id) {
        DatumReader<Object> cached = readers.get(id);
        if (cached != null) {
            return cached;
        }
        Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new WireFormatException(
                        Reason.UNKNOWN_SCHEMA_ID,
                        "topic " + topic + ": schema id " + id + " is not in the registry",
                        e);
            }
            // Everything else, including 401/403 and unparsable answers, is a registry/config problem and
            // says nothing about the record: dead-lettering every record would be wrong, so retry.
            throw new WireFormatException(
                    Reason.REGISTRY_UNAVAILABLE,
                    "topic " + topic + ": cannot fetch schema id " + id + " (" + e.getMessage() + ")",
                    e);
        } catch (RuntimeException e) {
            throw new WireFormatException(
                    Reason.REGISTRY_UNAVAILABLE,
                    "topic " + topic + ": cannot fetch schema id " + id + " ("
                            + e.getClass().getSimpleName() + ")",
                    e);
        }
        DatumReader<Object> reader;
        try {
            reader = newReader(writer);
        } catch (AvroRuntimeException e) {
            throw new WireFormatException(
                    Reason.MALFORMED_AVRO,
                    "topic " + topic + ", schema id " + id + ": writer schema cannot be read into the local class ("
                            + e.getMessage() + ")",
                    e);
        }
        DatumReader<Object> raced = readers.putIfAbsent(id, reader);
        return raced != null ? raced : reader;
    }

    private DatumReader<Object> newReader(Schema writer) {
        if (config.specificReader()) {
            Class<?> generated = SpecificData.get().getClass(writer);
            if (generated != null && writer.getType() == Schema.Type.RECORD) {
                Schema readerSchema = SpecificData.get().getSchema(generated);
                return new SpecificDatumReader<>(writer, readerSchema);
            }
        }
        return new GenericDatumReader<>(writer, writer);
    }

    @Override
    public void close() {
        SchemaRegistryClient client = registry;
        if (ownsRegistry && client != null) {
            client.close();
        }
    }
}
