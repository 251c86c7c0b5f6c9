package dev.logtocp.processor.kafka;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.processor.command.CommandHandler;
import dev.logtocp.processor.command.HandlerRegistry;
import dev.logtocp.schema.wire.WireFormatException;
import java.io.IOException;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Turns a command record's bytes into a command, a dead-letter verdict, or "try later". Never throws: hostile
 * input (random bytes, unknown schema ids, truncated or oversized payloads) must not stop the processor.
 *
 * <p>Works with any Kafka {@link Deserializer} for the schema-registry wire format: ours, or Confluent's
 * {@code KafkaAvroDeserializer} with {@code specific.avro.reader=true}. Called on the consumer thread.
 */
final class CommandDecoder {
    private final Deserializer<Object> deserializer;
    private final HandlerRegistry handlers;
    private final int maxBytes;

    CommandDecoder(Deserializer<Object> deserializer, HandlerRegistry handlers, int maxBytes) {
        this.deserializer = deserializer;
        this.handlers = handlers;
        this.maxBytes = maxBytes;
    }

    DecodeResult decode(ConsumerRecord<byte[], byte[]> record) {
        byte[] value = record.value();
        if (value == null) {
            return new DecodeResult.Poison("EmptyRecord", "record has no value (tombstone)", null, null);
        }
        if (value.length > maxBytes) {
            return new DecodeResult.Poison(
                    "OversizedRecord",
                    "record of " + value.length + " bytes exceeds MAX_COMMAND_BYTES=" + maxBytes,
                    null,
                    null);
        }
        Object decoded;
        try {
            decoded = deserializer.deserialize(record.topic(), record.headers(), value);
        } catch (WireFormatException e) {
            return e.retryable()
                    ? new DecodeResult.Retry(e.getMessage())
                    : new DecodeResult.Poison(e.reason().name(), e.getMessage(), null, null);
        } catch (SerializationException e) {
            // A drop-in deserializer signals an unreachable registry only through the cause.
            if (e.getCause() instanceof IOException) {
                return new DecodeResult.Retry(e.getClass().getSimpleName());
            }
            return new DecodeResult.Poison(e.getClass().getSimpleName(), String.valueOf(e.getMessage()), null, null);
        } catch (RuntimeException | StackOverflowError e) {
            return new DecodeResult.Poison(
                    e.getClass().getSimpleName(), "the payload could not be decoded", null, null);
        }
        if (decoded instanceof SpecificRecord command) {
            Optional<CommandHandler<SpecificRecord>> handler = handlers.forCommand(command);
            if (handler.isPresent()) {
                return new DecodeResult.Command(command, handler.get());
            }
        }
        if (decoded instanceof GenericRecord generic) {
            String type = generic.getSchema().getFullName();
            return new DecodeResult.Poison(
                    "UnsupportedCommandType", "no handler for record type " + type, metaOf(generic), type);
        }
        return new DecodeResult.Poison(
                "UnsupportedCommandType",
                "decoded to " + (decoded == null ? "null" : decoded.getClass().getSimpleName())
                        + ", not a command record",
                null,
                null);
    }

    /** The envelope of a record we cannot execute, when it has one, so its issuer still hears back. */
    private static CommandMeta metaOf(GenericRecord record) {
        try {
            if (record.getSchema().getField("meta") == null) {
                return null;
            }
            Object meta = record.get("meta");
            if (meta instanceof CommandMeta specific) {
                return specific;
            }
            if (meta instanceof GenericRecord generic) {
                return (CommandMeta) SpecificData.get().deepCopy(CommandMeta.getClassSchema(), generic);
            }
        } catch (RuntimeException e) {
            return null;
        }
        return null;
    }
}
